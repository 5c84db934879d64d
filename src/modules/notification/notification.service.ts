import type { EntityManager } from '@mikro-orm/postgresql';
import { ConflictError, ValidationError } from '../../core/errors.js';
import { notificationMessages as m } from './notification.messages.js';
import { NotificationRepository, type RecentNotification } from './notification.repository.js';
import { CHANNELS, NOTIFICATION_TYPES, type Channel, type NotificationType } from './notification.rules.js';

const EMAIL = /^[^\s@<>"]{1,64}@[^\s@<>"]+\.[^\s@<>"]{2,}$/;
const OFF = /^(off|none|no)$/i;

export interface PreferencesView {
  preferences: Array<{ type: string; inApp: boolean; email: boolean }>;
  email: string | null;
  emailAvailable: boolean;
}

/** `/notifications` and the notification preferences of `/settings`. */
export class NotificationService {
  private readonly repo: NotificationRepository;

  constructor(
    em: EntityManager,
    private readonly emailAvailable = false,
  ) {
    this.repo = new NotificationRepository(em);
  }

  /** The latest notifications, newest first; they are marked read. */
  recent(userId: string, limit = 10): Promise<RecentNotification[]> {
    return this.repo.recentAndMarkRead(userId, limit);
  }

  async preferences(userId: string): Promise<PreferencesView> {
    const [preferences, email] = await Promise.all([this.repo.preferences(userId), this.repo.email(userId)]);
    return { preferences, email, emailAvailable: this.emailAvailable };
  }

  async setPreference(userId: string, type: string, channel: string, on: boolean): Promise<PreferencesView> {
    const t = type.trim().toLowerCase().replace(/-/g, '_');
    if (!(NOTIFICATION_TYPES as readonly string[]).includes(t))
      throw new ValidationError(m.bad_type({ got: type, allowed: NOTIFICATION_TYPES }), { field: 'type' });
    const c = channel.trim().toLowerCase().replace(/-/g, '_');
    if (!(CHANNELS as readonly string[]).includes(c)) throw new ValidationError(m.bad_channel({ got: channel }), { field: 'channel' });
    await this.repo.setPreference(userId, t as NotificationType, c as Channel, on);
    return this.preferences(userId);
  }

  /** Sets (or with `off`, removes) the address notifications are emailed to. */
  async setEmail(userId: string, address: string): Promise<PreferencesView> {
    const value = address.trim();
    const email = OFF.test(value) ? null : value.toLowerCase();
    if (email !== null && (email.length > 255 || !EMAIL.test(email))) throw new ValidationError(m.bad_email({ got: address }), { field: 'address' });
    if (!(await this.repo.setEmail(userId, email))) throw new ConflictError(m.email_taken());
    return this.preferences(userId);
  }
}
