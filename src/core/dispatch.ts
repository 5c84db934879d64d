import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { withLogContext } from './log-context.js';
import { safeError } from './redact.js';
import type { CommandContext } from './context.js';
import { AppError, ValidationError } from './errors.js';
import type { Invocation } from './invocation.js';
import type { AnyOption } from './options.js';
import type { AutocompleteChoice, RequestScope, ResolvedUser } from './ports.js';
import type { CommandRegistry, ResolvedCommand } from './registry.js';
import type { Reply } from './reply.js';

export type { AutocompleteChoice } from './ports.js';

export interface DispatcherDeps {
  /** Opens one request's services on their own unit of work (the composition root decides what they are). */
  openRequest(): RequestScope;
  registry: CommandRegistry;
  logger: Logger;
  clock?: () => Date;
  /** Called once per command with its outcome (metrics). */
  observe?(command: string, platform: string, outcome: 'ok' | 'user_error' | 'failure', seconds: number): void;
}

export interface Prepared {
  resolved: ResolvedCommand;
  args: Record<string, unknown>;
}

/**
 * The one path from an invocation to a reply, shared by every platform:
 * parse and validate, resolve the user, run the handler on a forked
 * EntityManager, and turn errors into replies.
 */
export class Dispatcher {
  constructor(private readonly deps: DispatcherDeps) {}

  get registry(): CommandRegistry {
    return this.deps.registry;
  }

  /** Parses and validates without running; throws AppErrors for bad input. */
  prepare(invocation: Invocation): Prepared {
    const { registry } = this.deps;
    if (invocation.text !== undefined && invocation.args === undefined) {
      const { resolved, raw } = registry.parseText(invocation.command, invocation.text);
      return { resolved, args: registry.parseArgs(resolved, raw) };
    }
    const resolved = registry.resolve(invocation.command, invocation.subcommand);
    return { resolved, args: registry.parseArgs(resolved, invocation.args ?? {}) };
  }

  /** Whether the platform should acknowledge first: slow commands, or an invocation that fails to parse (fast). */
  describe(invocation: Invocation): { slow: boolean; ephemeral: boolean } {
    try {
      const { resolved, args } = this.prepare(invocation);
      const slow = typeof resolved.sub.slow === 'function' ? resolved.sub.slow(args) : Boolean(resolved.sub.slow);
      return { slow, ephemeral: Boolean(resolved.sub.ephemeral) };
    } catch {
      return { slow: false, ephemeral: true };
    }
  }

  /** The command's name when it exists, else `unknown`: metric labels and log fields stay a bounded set. */
  commandLabel(command: string): string {
    return this.deps.registry.get(command)?.name ?? 'unknown';
  }

  async dispatch(invocation: Invocation): Promise<Reply> {
    const correlationId = randomUUID().slice(0, 8);
    return withLogContext({ correlationId, command: this.commandLabel(invocation.command) }, () => this.dispatchWithin(invocation, correlationId));
  }

  private async dispatchWithin(invocation: Invocation, correlationId: string): Promise<Reply> {
    const started = performance.now();
    let outcome: 'ok' | 'user_error' | 'failure' = 'ok';
    try {
      const prepared = this.prepare(invocation);
      const reply = await this.run(invocation, prepared, correlationId);
      return prepared.resolved.sub.ephemeral ? { ...reply, ephemeral: true } : reply;
    } catch (error) {
      outcome = error instanceof AppError ? 'user_error' : 'failure';
      return this.errorReply(error, invocation, correlationId);
    } finally {
      const seconds = (performance.now() - started) / 1000;
      this.deps.observe?.(this.commandLabel(invocation.command), invocation.identity.platform, outcome, seconds);
      this.deps.logger.debug({ source: invocation.source, outcome, ms: Math.round(seconds * 1000) }, 'command handled');
    }
  }

  /** Suggestions for the focused option (Discord autocomplete). Never throws. */
  async autocomplete(invocation: Invocation, focused: string, partial: string): Promise<AutocompleteChoice[]> {
    try {
      const resolved = this.deps.registry.resolve(invocation.command, invocation.subcommand);
      const options = resolved.sub.options as Record<string, AnyOption>;
      if (!Object.hasOwn(options, focused)) return [];
      const option = options[focused]!;
      if (option.complete) return option.complete(partial).slice(0, 25);
      if (option.kind === 'choice') {
        return option.choices
          .filter((c) => c.toLowerCase().startsWith(partial.toLowerCase()))
          .slice(0, 25)
          .map((c) => ({ name: c, value: c }));
      }
      const source = option.kind === 'quest' ? 'quest' : option.suggest;
      if (!source) return [];
      const request = this.deps.openRequest();
      const user = await request.resolveUser(invocation.identity, undefined, invocation.hints);
      return await request.actAs(user.id, () => request.suggest(user.id, source, partial, 25));
    } catch (error) {
      this.deps.logger.warn({ err: safeError(error), command: this.commandLabel(invocation.command) }, 'autocomplete failed');
      return [];
    }
  }

  private async run(invocation: Invocation, prepared: Prepared, correlationId: string): Promise<Reply> {
    const request = this.deps.openRequest();
    const user = await request.resolveUser(invocation.identity, invocation.space, invocation.hints);
    try {
      return await this.runAs(request, user, invocation, prepared, correlationId);
    } catch (error) {
      // A remembered user may have been forgotten or merged on another replica since: when the
      // identity now leads elsewhere, the command runs once more for whoever it leads to.
      if (!user.remembered || error instanceof ValidationError) throw error;
      const retry = this.deps.openRequest();
      if (!(await retry.forgetIfStale(invocation.identity, user.id))) throw error;
      const current = await retry.resolveUser(invocation.identity, invocation.space, invocation.hints);
      return this.runAs(retry, current, invocation, prepared, correlationId);
    }
  }

  private runAs(request: RequestScope, user: ResolvedUser, invocation: Invocation, prepared: Prepared, correlationId: string): Promise<Reply> {
    const ctx: CommandContext = {
      invocation,
      user: { id: user.id, displayName: user.displayName },
      spaceId: user.spaceId,
      services: request.services,
      registry: this.deps.registry,
      now: this.deps.clock?.() ?? new Date(),
      correlationId,
    };
    return request.actAs(user.id, () => prepared.resolved.sub.handler(ctx, prepared.args));
  }

  private errorReply(error: unknown, invocation: Invocation, correlationId: string): Reply {
    if (error instanceof AppError) {
      return {
        tone: 'error',
        ephemeral: true,
        text: error.message,
        footer: error.details.usage ? `Usage: ${error.details.usage}` : undefined,
      };
    }
    // Class, code and statement shape only: the raw error would carry SQL parameters (titles, ids) and display names.
    const { platform, scope, platformUserId } = invocation.identity;
    this.deps.logger.error(
      { err: safeError(error), correlationId, command: this.commandLabel(invocation.command), identity: { platform, scope, platformUserId } },
      'command failed',
    );
    return {
      tone: 'error',
      ephemeral: true,
      text: `Sorry, something went wrong on our side. If it keeps happening, mention reference \`${correlationId}\`.`,
    };
  }
}
