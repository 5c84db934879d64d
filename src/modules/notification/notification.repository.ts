import { LockMode, raw } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Identity } from '../../core/invocation.js';
import type { Reply } from '../../core/reply.js';
import { User, UserIdentity, UserProfile } from '../user/user.entity.js';
import { Notification, NotificationPreference, type INotification } from './notification.entity.js';

/** A notification to write; `dedupeKey` makes a second write for the same key a no-op. */
export interface NewNotification {
  userId: string;
  type: string;
  title: string;
  message?: string | null;
  /** The message as the chat renders it (buttons, fields); plain title + message otherwise. */
  reply?: Reply;
  data?: Record<string, unknown>;
  dedupeKey?: string;
  deliverAfter?: Date | null;
  expiresAt?: Date | null;
}

/** A claimed outbox row with what delivery needs to know about its user. */
export interface OutboxItem {
  id: string;
  userId: string;
  type: string;
  title: string;
  message: string | null;
  data: Record<string, unknown>;
  attempts: number;
  createdAt: Date;
}

export interface Recipient {
  userId: string;
  email: string | null;
  timezone: string;
  quietHoursStart: string | null;
  quietHoursEnd: string | null;
  /** Identities the platforms have not refused, most recently used first. */
  identities: Identity[];
  preferences: Array<{ type: string; inApp: boolean; email: boolean }>;
}

export interface RecentNotification {
  id: string;
  type: string;
  title: string;
  message: string | null;
  isRead: boolean;
  createdAt: Date;
}

/** The outbox and the preferences: the only file of the feature that touches the EntityManager. */
export class NotificationRepository {
  constructor(private readonly em: EntityManager) {}

  /** Inserts, skipping rows whose (user, dedupe key) exists; resolves to how many were new. */
  async enqueue(rows: NewNotification[]): Promise<number> {
    if (!rows.length) return 0;
    const values = rows.map((row) => ({
      userId: row.userId,
      type: row.type,
      title: row.title.slice(0, 255),
      message: row.message ?? null,
      data: { ...row.data, ...(row.reply ? { reply: row.reply } : {}) },
      dedupeKey: row.dedupeKey ?? null,
      deliverAfter: row.deliverAfter ?? null,
      expiresAt: row.expiresAt ?? null,
    }));
    const result = await this.em.createQueryBuilder(Notification).insert(values).onConflict(['userId', 'dedupeKey']).ignore().execute('run');
    return result.affectedRows;
  }

  /**
   * Claims up to `limit` unsent, unexpired rows due by `now` that no live lease holds
   * (`FOR UPDATE SKIP LOCKED`, so concurrent workers take disjoint rows), leasing them
   * until `leaseUntil` and counting the attempt. A worker that dies holding a lease
   * loses nothing: the row is claimable again once the lease has passed.
   */
  async claim(now: Date, limit: number, leaseUntil: Date): Promise<OutboxItem[]> {
    return this.em.transactional(async (tx) => {
      const rows = await tx.find(
        Notification,
        {
          isSent: false,
          $and: [
            { $or: [{ deliverAfter: null }, { deliverAfter: { $lte: now } }] },
            { $or: [{ leaseUntil: null }, { leaseUntil: { $lt: now } }] },
            { $or: [{ expiresAt: null }, { expiresAt: { $gt: now } }] },
          ],
        },
        { orderBy: { createdAt: 'asc' }, limit, lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE, disableIdentityMap: true },
      );
      if (!rows.length) return [];
      await tx
        .createQueryBuilder(Notification)
        .update({ leaseUntil, attempts: raw('attempts + 1') })
        .where({ $or: rows.map((r) => ({ id: r.id, userId: r.userId })) })
        .execute();
      return rows.map((r: INotification) => ({
        id: r.id,
        userId: r.userId,
        type: r.type,
        title: r.title,
        message: r.message ?? null,
        data: r.data,
        attempts: r.attempts + 1,
        createdAt: r.createdAt,
      }));
    });
  }

  /** Unsent rows past their `expires_at` leave the outbox unsent; resolves to how many. */
  async expire(now: Date): Promise<number> {
    return this.em.nativeUpdate(
      Notification,
      { isSent: false, expiresAt: { $lte: now } },
      { isSent: true, deliveredVia: 'expired', leaseUntil: null, lastError: 'expired before it could be delivered' },
    );
  }

  async recipients(userIds: string[]): Promise<Map<string, Recipient>> {
    const ids = [...new Set(userIds)];
    const [users, profiles, identities, preferences] = await Promise.all([
      this.em.find(User, { id: { $in: ids } }, { fields: ['id', 'email'], disableIdentityMap: true }),
      this.em.find(UserProfile, { user: { $in: ids } }, { fields: ['user', 'timezone', 'quietHoursStart', 'quietHoursEnd'], disableIdentityMap: true }),
      this.em.find(UserIdentity, { user: { $in: ids }, unreachableAt: null }, { orderBy: { updatedAt: 'desc' }, disableIdentityMap: true }),
      this.em.find(NotificationPreference, { userId: { $in: ids } }, { disableIdentityMap: true }),
    ]);
    const result = new Map<string, Recipient>();
    for (const user of users) {
      const profile = profiles.find((p) => p.user.id === user.id);
      result.set(user.id, {
        userId: user.id,
        email: user.email ?? null,
        timezone: profile?.timezone ?? 'UTC',
        quietHoursStart: profile?.quietHoursStart ?? null,
        quietHoursEnd: profile?.quietHoursEnd ?? null,
        identities: identities
          .filter((i) => i.user.id === user.id)
          .map((i) => ({ platform: i.platform, scope: i.scope, platformUserId: i.platformUserId, displayName: i.displayName ?? undefined })),
        preferences: preferences.filter((p) => p.userId === user.id).map((p) => ({ type: p.notificationType, inApp: p.inAppEnabled, email: p.emailEnabled })),
      });
    }
    return result;
  }

  async markSent(item: Pick<OutboxItem, 'id' | 'userId'>, via: string, at: Date): Promise<void> {
    await this.em.nativeUpdate(
      Notification,
      { id: item.id, userId: item.userId },
      { isSent: true, sentAt: at, deliveredVia: via, leaseUntil: null, lastError: null },
    );
  }

  /** Back to the outbox, due again at `after` (a retry, or the end of quiet hours). */
  async reschedule(item: Pick<OutboxItem, 'id' | 'userId'>, after: Date, error: string | null, countAttempt = true): Promise<void> {
    await this.em.nativeUpdate(
      Notification,
      { id: item.id, userId: item.userId },
      {
        deliverAfter: after,
        leaseUntil: null,
        ...(error ? { lastError: error.slice(0, 1000) } : {}),
        ...(countAttempt ? {} : { attempts: raw('greatest(attempts - 1, 0)') }),
      },
    );
  }

  /** Leaves the outbox undelivered for good; the reason stays in `last_error`. */
  async giveUp(item: Pick<OutboxItem, 'id' | 'userId'>, reason: string, via = 'none'): Promise<void> {
    await this.em.nativeUpdate(
      Notification,
      { id: item.id, userId: item.userId },
      { isSent: true, deliveredVia: via, leaseUntil: null, lastError: reason.slice(0, 1000) },
    );
  }

  /** Gives claimed rows back at once (shutdown before they were sent). */
  async release(items: Array<Pick<OutboxItem, 'id' | 'userId'>>): Promise<void> {
    if (!items.length) return;
    await this.em
      .createQueryBuilder(Notification)
      .update({ leaseUntil: null, attempts: raw('greatest(attempts - 1, 0)') })
      .where({ $or: items.map((r) => ({ id: r.id, userId: r.userId })) })
      .execute();
  }

  async markIdentityUnreachable(identity: Identity, at: Date): Promise<void> {
    await this.em.nativeUpdate(
      UserIdentity,
      { platform: identity.platform, scope: identity.scope, platformUserId: identity.platformUserId, unreachableAt: null },
      { unreachableAt: at },
    );
  }

  /** The user's latest notifications, newest first, marking them read. */
  async recentAndMarkRead(userId: string, limit: number): Promise<RecentNotification[]> {
    return this.em.transactional(async (tx) => {
      const rows = await tx.find(Notification, { userId }, { orderBy: { createdAt: 'desc' }, limit, disableIdentityMap: true });
      const unread = rows.filter((r) => !r.isRead);
      if (unread.length) await tx.nativeUpdate(Notification, { userId, id: { $in: unread.map((r) => r.id) } }, { isRead: true });
      return rows.map((r) => ({ id: r.id, type: r.type, title: r.title, message: r.message ?? null, isRead: r.isRead, createdAt: r.createdAt }));
    });
  }

  async preferences(userId: string): Promise<Array<{ type: string; inApp: boolean; email: boolean }>> {
    const rows = await this.em.find(NotificationPreference, { userId }, { disableIdentityMap: true });
    return rows.map((p) => ({ type: p.notificationType, inApp: p.inAppEnabled, email: p.emailEnabled }));
  }

  async setPreference(userId: string, type: string, channel: 'in_app' | 'email', on: boolean): Promise<void> {
    const column = channel === 'in_app' ? 'inAppEnabled' : 'emailEnabled';
    await this.em.upsert(
      NotificationPreference,
      { userId, notificationType: type, [column]: on },
      { onConflictFields: ['userId', 'notificationType'], onConflictMergeFields: [column] },
    );
  }

  async email(userId: string): Promise<string | null> {
    const user = await this.em.findOne(User, { id: userId }, { fields: ['email'], disableIdentityMap: true });
    return user?.email ?? null;
  }

  /** Sets the user's address; false when another account already uses it. */
  async setEmail(userId: string, email: string | null): Promise<boolean> {
    if (email) {
      const taken = await this.em.count(User, { email, id: { $ne: userId } });
      if (taken) return false;
    }
    await this.em.nativeUpdate(User, { id: userId }, { email });
    return true;
  }
}
