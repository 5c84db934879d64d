import type { Invocation } from './invocation.js';
import type { CommandRegistry } from './registry.js';

/**
 * The request-scoped services a handler calls. Core declares it empty; the
 * composition root's services module fills it in by declaration merging
 * (`src/modules/services.ts`), so core never imports a feature module.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface CommandServices {}

/** What a handler gets: the acting user, request-scoped services and the clock. */
export interface CommandContext {
  invocation: Invocation;
  user: { id: string; displayName: string };
  spaceId: string | null;
  services: CommandServices;
  registry: CommandRegistry;
  now: Date;
  correlationId: string;
}
