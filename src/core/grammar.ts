/**
 * The text grammar shared by the console, Slack and button actions:
 * `/quest create "Write report" difficulty:hard estimate:1h30m`.
 */

export interface Token {
  value: string;
  /** Set for `name:value` tokens. */
  name?: string;
  /** The `name:` prefix as typed, to restore it when it turns out to be plain text. */
  prefix?: string;
  quoted: boolean;
}

const QUOTES: Record<string, string> = { '"': '"', "'": "'", '“': '”', '‘': '’' };

/** A quote opened and never closed: what follows cannot be told apart from other options. */
export class UnterminatedQuoteError extends Error {
  constructor(
    readonly quote: string,
    readonly option: string | undefined,
    readonly fragment: string,
  ) {
    super(`unterminated ${quote}`);
  }
}

/** Splits text into tokens, honouring quotes (also after `name:`); an unclosed quote throws. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) break;
    let name: string | undefined;
    let prefix: string | undefined;
    const named = /^([a-z][a-z0-9_-]*):(?!\/\/)/i.exec(text.slice(i));
    if (named) {
      name = named[1]!.toLowerCase().replace(/-/g, '_');
      prefix = named[0];
      i += named[0].length;
    }
    const open = text[i];
    if (open !== undefined && Object.hasOwn(QUOTES, open)) {
      const close = QUOTES[open]!;
      const end = text.indexOf(close, i + 1);
      if (end === -1) throw new UnterminatedQuoteError(open, name, text.slice(i, i + 30));
      tokens.push({ value: text.slice(i + 1, end), name, prefix, quoted: true });
      i = end + 1;
      continue;
    }
    let end = i;
    while (end < text.length && !/\s/.test(text[end]!)) end++;
    tokens.push({ value: text.slice(i, end), name, prefix, quoted: false });
    i = end;
  }
  return tokens;
}

/** Rebuilds a command line value, quoting when needed. */
export function quoteArg(value: string): string {
  return /[\s"'“”‘’]/.test(value) || value === '' ? `"${value.replace(/"/g, '”')}"` : value;
}
