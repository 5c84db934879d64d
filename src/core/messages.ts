/**
 * Message catalogs: every sentence a user sees for an error or notice lives in
 * its feature's `*.messages.ts`, keyed by a stable code (`quest.not_found`).
 * The same code reads the same on Discord, Slack and the console, and a later
 * locale can replace the wording without touching the code that raised it.
 */

/** Parameters of one message: plain values only, so a message can be logged or translated. */
export type MessageParams = Record<string, string | number | boolean | null | undefined | readonly string[]>;

/** A message ready to show: its code, the parameters it was built from, and the English text. */
export interface Message {
  code: string;
  params: MessageParams;
  text: string;
}

type Wordings = Record<string, (params: any) => string>;

/** The catalog of a feature: call a key with its parameters to get a `Message`. */
export type Catalog<W extends Wordings> = {
  [K in keyof W & string]: Parameters<W[K]>[0] extends undefined ? (params?: Parameters<W[K]>[0]) => Message : (params: Parameters<W[K]>[0]) => Message;
};

const registered = new Map<string, (params: any) => string>();

/**
 * Declares the wordings of `feature`; codes are `feature.key`. A code declared
 * twice is a programming error (two places for one wording).
 */
export function defineMessages<const W extends Wordings>(feature: string, wordings: W): Catalog<W> {
  const catalog: Record<string, (params?: MessageParams) => Message> = {};
  for (const [key, word] of Object.entries(wordings)) {
    const code = `${feature}.${key}`;
    if (registered.has(code) && registered.get(code) !== word) throw new Error(`message code ${code} is declared twice`);
    registered.set(code, word);
    catalog[key] = (params: MessageParams = {}) => ({ code, params, text: word(params) });
  }
  return catalog as Catalog<W>;
}

/** Renders a code again from its parameters (e.g. for another locale later); undefined when unknown. */
export function renderMessage(code: string, params: MessageParams = {}): string | undefined {
  return registered.get(code)?.(params);
}

/** Every declared code: the catalog test checks they render. */
export function messageCodes(): string[] {
  return [...registered.keys()];
}
