import { ValidationError } from '../../core/errors.js';
import { dueMessages } from './due.messages.js';
import type { DueRepository } from './due.repository.js';
import { dueWindow, parseDue, type DueFilter, type DueWindow, type UserClock } from './due.rules.js';

/** The default lead time of the due-soon notice. */
export const DUE_SOON_LEAD_MINUTES = 60;

/** Due dates: reading them in the user's clock and list windows. */
export class DueService {
  /** Request-scoped: one read of a user's clock per request. */
  private readonly clocks = new Map<string, Promise<UserClock>>();

  constructor(private readonly repository: DueRepository) {}

  clock(userId: string): Promise<UserClock> {
    let clock = this.clocks.get(userId);
    if (!clock) this.clocks.set(userId, (clock = this.repository.userClock(userId)));
    return clock;
  }

  /** What a card needs to show times for this user now. */
  async cardTime(userId: string, now: Date): Promise<{ now: Date; timezone: string }> {
    return { now, timezone: (await this.clock(userId)).timezone };
  }

  /** `undefined` when no text was given, `null` for "none", else the instant; bad text names `option`. */
  async read(userId: string, text: string | undefined, now: Date, option = 'due'): Promise<Date | null | undefined> {
    if (text === undefined) return undefined;
    const parsed = parseDue(text, await this.clock(userId), now);
    if (parsed.kind === 'invalid') throw new ValidationError(dueMessages.invalid({ option, problem: parsed.problem }), { field: option });
    return parsed.kind === 'clear' ? null : parsed.at;
  }

  async window(userId: string, filter: DueFilter, now: Date): Promise<DueWindow> {
    return dueWindow(filter, await this.clock(userId), now);
  }
}
