import { clearLine, createInterface, cursorTo, type Interface } from 'node:readline';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import type { Readable, Writable } from 'node:stream';
import type { Dispatcher } from '../../core/dispatch.js';
import { splitCommandLine, type Identity } from '../../core/invocation.js';
import type { Reply } from '../../core/reply.js';
import { renderConsole } from './console.render.js';

export interface ConsoleOptions {
  dispatcher: Dispatcher;
  input: Readable & { isTTY?: boolean };
  output: Writable & { isTTY?: boolean };
  user: string;
  /** Where files attached to replies (exports) are written; without it they are not saved. */
  filesDir?: string;
}

/** The console's identity and space: `(console, local, $USER)`. */
export function consoleIdentity(user: string): Identity {
  return { platform: 'console', scope: 'local', platformUserId: user, displayName: user };
}

/**
 * Local mode's chat: one slash command per line. On a TTY it shows a prompt;
 * with piped input it prints every reply and resolves at end of input.
 */
export class ConsoleAdapter {
  private readonly interactive: boolean;
  private readonly colour: boolean;
  /** The prompt while `run` reads input; a notification redraws it after printing. */
  private prompt: Interface | undefined;

  constructor(private readonly options: ConsoleOptions) {
    this.interactive = Boolean(options.input.isTTY && options.output.isTTY);
    this.colour = Boolean(options.output.isTTY) && !process.env.NO_COLOR;
  }

  /** Prints a message that did not come from a command (reminders, level-ups). */
  print(reply: Reply, savedFiles: readonly string[] = []): void {
    this.options.output.write(`${renderConsole(reply, this.colour, savedFiles)}\n`);
  }

  /** Writes the reply's files under `filesDir` (owner-only permissions: they hold personal data). */
  private async saveFiles(reply: Reply): Promise<string[]> {
    const { filesDir } = this.options;
    if (!filesDir || !reply.files?.length) return [];
    await mkdir(filesDir, { recursive: true, mode: 0o700 });
    const saved: string[] = [];
    for (const file of reply.files) {
      const path = resolve(join(filesDir, file.name.replace(/[^A-Za-z0-9_.-]/g, '_')));
      await writeFile(path, file.data, { mode: 0o600 });
      saved.push(path);
    }
    return saved;
  }

  /**
   * Prints a message that arrives while the user may be typing (a due reminder):
   * it goes above the prompt, which is drawn again with the half-typed line kept.
   */
  notify(reply: Reply): void {
    const { output } = this.options;
    if (!this.interactive || !this.prompt) return this.print(reply);
    clearLine(output, 0);
    cursorTo(output, 0);
    this.print(reply);
    this.prompt.prompt(true);
  }

  async run(): Promise<void> {
    const { input, output, user } = this.options;
    const rl = createInterface({ input, output: this.interactive ? output : undefined, terminal: this.interactive });
    if (this.interactive) {
      output.write(`Questlog (local mode) — signed in as ${user}. Type /questlog help, or /exit to leave.\n`);
      rl.setPrompt('questlog> ');
      rl.prompt();
      this.prompt = rl;
    }
    for await (const line of rl) {
      const trimmed = line.trim();
      if (trimmed === '/exit' || trimmed === '/quit') break;
      if (trimmed) await this.handleLine(trimmed);
      if (this.interactive) rl.prompt();
    }
    this.prompt = undefined;
    rl.close();
  }

  async handleLine(line: string): Promise<Reply> {
    const { command, text } = splitCommandLine(line);
    const reply = await this.options.dispatcher.dispatch({
      identity: consoleIdentity(this.options.user),
      space: { platform: 'console', externalId: 'local', name: 'Local' },
      command,
      text,
      source: 'command',
    });
    this.print(reply, await this.saveFiles(reply));
    return reply;
  }
}
