import type { Invocation } from './invocation.js';
import type { AppServices } from '../modules/services.js';
import type { CommandRegistry } from './registry.js';

/** What a handler gets: the acting user, request-scoped services and the clock. */
export interface CommandContext {
  invocation: Invocation;
  user: { id: string; displayName: string };
  spaceId: string | null;
  services: AppServices;
  registry: CommandRegistry;
  now: Date;
  correlationId: string;
}
