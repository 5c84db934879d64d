import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '../../core/invocation.js';
import { NotifierRouter, type DeliveryResult, type Notifier } from '../../core/notifier.js';
import type { Reply } from '../../core/reply.js';
import { startTestApp, type TestApp } from '../../testing/test-app.js';
import { NotificationDelivery } from './notification.delivery.js';
import { NotificationRepository } from './notification.repository.js';

let app: TestApp;
const now = new Date('2026-12-02T12:00:00Z');
const logger = pino({ level: 'silent' });

/** A console notifier that records what it was given and answers from a script. */
class ScriptedNotifier implements Notifier {
  readonly platform = 'console' as const;
  sent: Array<{ user: string; reply: Reply }> = [];
  script: Array<DeliveryResult> = [];
  async send(identity: Identity, reply: Reply): Promise<DeliveryResult> {
    const next = this.script.shift() ?? { delivered: true };
    if (next.delivered) this.sent.push({ user: identity.platformUserId, reply });
    return next;
  }
}

const repo = () => new NotificationRepository(app.db.orm.em.fork());
const userId = async (name: string) => {
  await app.run('/settings show', name);
  const [row] = await app.sql<{ user_id: string }>('select user_id from user_identities where platform_user_id = ?', [name]);
  return row!.user_id;
};
const rows = (user: string) =>
  app.sql<{ title: string; is_sent: boolean; delivered_via: string | null; attempts: number; last_error: string | null; deliver_after: Date | null }>(
    'select title, is_sent, delivered_via, attempts, last_error, deliver_after from notifications where user_id = ? order by created_at, title',
    [user],
  );

function worker(notifier: ScriptedNotifier, leaseMs = 60_000) {
  const router = new NotifierRouter();
  router.register(notifier);
  return new NotificationDelivery(repo, { router, logger, leaseMs, random: () => 1 });
}

beforeAll(async () => {
  app = await startTestApp({ clock: () => now });
});
afterAll(async () => app?.close());

describe('notification outbox', () => {
  it('writes one row per (user, dedupe key), however often it is enqueued', async () => {
    const id = await userId('dee');
    expect(await repo().enqueue([{ userId: id, type: 'reminder', title: 'Morning', dedupeKey: 'reminder:2026-12-02' }])).toBe(1);
    expect(await repo().enqueue([{ userId: id, type: 'reminder', title: 'Morning again', dedupeKey: 'reminder:2026-12-02' }])).toBe(0);
    expect((await rows(id)).map((r) => r.title)).toEqual(['Morning']);
  });

  it('sends due rows through the user\u2019s identity once and records them sent', async () => {
    const id = await userId('ann');
    const notifier = new ScriptedNotifier();
    await repo().enqueue([
      { userId: id, type: 'unlocked', title: '#14 is ready', reply: { title: '#14 is ready', buttons: [{ label: 'Start', action: 'quest start #14' }] } },
    ]);
    const delivery = worker(notifier);
    expect((await delivery.run(() => now)).sent).toBeGreaterThanOrEqual(1);
    expect(notifier.sent.filter((s) => s.user === 'ann')).toEqual([
      { user: 'ann', reply: { title: '#14 is ready', buttons: [{ label: 'Start', action: 'quest start #14' }] } },
    ]);
    expect(await rows(id)).toMatchObject([{ is_sent: true, delivered_via: 'dm', attempts: 1, last_error: null }]);
    await delivery.run(() => now);
    expect(notifier.sent.filter((s) => s.user === 'ann')).toHaveLength(1);
  });

  it('retries a transient failure later with backoff, then sends it', async () => {
    const id = await userId('bo');
    const notifier = new ScriptedNotifier();
    await repo().enqueue([{ userId: id, type: 'streak_risk', title: 'Keep it alive' }]);
    notifier.script = [{ delivered: false, reason: 'error', retryable: true, detail: 'HTTP 503' }];
    const delivery = worker(notifier);
    await delivery.run(() => now);
    const [failed] = await rows(id);
    expect(failed).toMatchObject({ is_sent: false, attempts: 1, last_error: 'console: HTTP 503' });
    expect(new Date(failed!.deliver_after!).getTime()).toBe(now.getTime() + 30_000);
    await delivery.run(() => now); // not due yet: nothing happens, no tight loop
    expect(notifier.sent).toHaveLength(0);
    await delivery.run(() => new Date(now.getTime() + 31_000));
    expect(notifier.sent.map((s) => s.user)).toEqual(['bo']);
    expect(await rows(id)).toMatchObject([{ is_sent: true, attempts: 2 }]);
  });

  it('records a permanent failure and marks the identity unreachable', async () => {
    const id = await userId('cy');
    const notifier = new ScriptedNotifier();
    await repo().enqueue([{ userId: id, type: 'reminder', title: 'Hello' }]);
    notifier.script = [{ delivered: false, reason: 'unreachable', retryable: false, detail: 'Discord refuses direct messages to this user (50007)' }];
    await worker(notifier).run(() => now);
    expect(await rows(id)).toMatchObject([
      { is_sent: true, delivered_via: 'none', last_error: 'console: Discord refuses direct messages to this user (50007)' },
    ]);
    const [identity] = await app.sql<{ unreachable_at: Date | null }>('select unreachable_at from user_identities where user_id = ?', [id]);
    expect(identity!.unreachable_at).not.toBeNull();
  });

  it('honours expires_at', async () => {
    const id = await userId('eve');
    await repo().enqueue([{ userId: id, type: 'streak_risk', title: 'Too late', expiresAt: new Date(now.getTime() - 1000) }]);
    const notifier = new ScriptedNotifier();
    await worker(notifier).run(() => now);
    expect(notifier.sent.filter((s) => s.user === 'eve')).toHaveLength(0);
    expect(await rows(id)).toMatchObject([{ is_sent: true, delivered_via: 'expired' }]);
  });

  it('moves a notification due in quiet hours to the end of the window', async () => {
    const id = await userId('qi');
    await app.run('/settings quiet-hours 11:00-13:30', 'qi'); // UTC user; now is 12:00
    await repo().enqueue([{ userId: id, type: 'reminder', title: 'Shh' }]);
    const notifier = new ScriptedNotifier();
    await worker(notifier).run(() => now);
    const [row] = await rows(id);
    expect(row).toMatchObject({ is_sent: false, attempts: 0 });
    expect(new Date(row!.deliver_after!).toISOString()).toBe('2026-12-02T13:30:00.000Z');
  });

  it('a worker killed between claim and send loses nothing: after the lease another worker sends it once', async () => {
    const id = await userId('kim');
    await repo().enqueue([{ userId: id, type: 'reminder', title: 'Survives a crash' }]);
    // The "killed" worker claims and never sends.
    const claimed = await repo().claim(now, 1000, new Date(now.getTime() + 60_000));
    expect(claimed.some((c) => c.userId === id)).toBe(true);
    const notifier = new ScriptedNotifier();
    const delivery = worker(notifier);
    await delivery.run(() => new Date(now.getTime() + 30_000)); // lease still held
    expect(notifier.sent.filter((s) => s.user === 'kim')).toHaveLength(0);
    await delivery.run(() => new Date(now.getTime() + 61_000));
    await delivery.run(() => new Date(now.getTime() + 62_000));
    expect(notifier.sent.filter((s) => s.user === 'kim')).toHaveLength(1);
  });

  it('two workers draining one outbox send every row exactly once', async () => {
    const ids = await Promise.all(['w1', 'w2', 'w3', 'w4'].map(userId));
    await repo().enqueue(ids.flatMap((id) => Array.from({ length: 25 }, (_, i) => ({ userId: id, type: 'unlocked', title: `n${i}` }))));
    const a = new ScriptedNotifier();
    const b = new ScriptedNotifier();
    const later = () => new Date(now.getTime() + 3_600_000);
    await Promise.all([worker(a).run(later), worker(b).run(later)]);
    const titles = [...a.sent, ...b.sent].filter((s) => s.user.startsWith('w')).map((s) => `${s.user}:${s.reply.title}`);
    expect(titles).toHaveLength(100);
    expect(new Set(titles).size).toBe(100);
  });

  it('a muted type is not sent', async () => {
    const id = await userId('mu');
    await repo().setPreference(id, 'reminder', 'in_app', false);
    await repo().enqueue([{ userId: id, type: 'reminder', title: 'Muted' }]);
    const notifier = new ScriptedNotifier();
    await worker(notifier).run(() => now);
    expect(notifier.sent.filter((s) => s.user === 'mu')).toHaveLength(0);
    expect(await rows(id)).toMatchObject([{ is_sent: true, delivered_via: 'muted' }]);
  });
});

describe('email channel', () => {
  it('emails through SMTP when the user set an address, as well as the DM; a 5xx is permanent, a 4xx is retried', async () => {
    const { SmtpFake } = await import('../../testing/smtp-fake.js');
    const { SmtpEmailSender } = await import('./email.channel.js');
    const smtp = await SmtpFake.start();
    const sender = new SmtpEmailSender(smtp.url, 'Questlog <questlog@example.com>');
    try {
      const id = await userId('em');
      await app.run('/settings email em@example.com', 'em');
      await repo().setPreference(id, 'unlocked', 'in_app', false);
      await repo().enqueue([
        {
          userId: id,
          type: 'unlocked',
          title: '#3 is ready to start',
          reply: { title: '#3 is ready to start', text: 'Paint: its prerequisite #1 is done.', buttons: [{ label: 'Start', action: 'quest start #3' }] },
        },
      ]);
      const router = new NotifierRouter();
      const notifier = new ScriptedNotifier();
      router.register(notifier);
      const delivery = new NotificationDelivery(repo, { router, logger, email: sender, random: () => 1 });
      await delivery.run(() => now);
      expect(notifier.sent.filter((s) => s.user === 'em')).toHaveLength(0); // in-app off for this type
      expect(smtp.received).toHaveLength(1);
      expect(smtp.received[0]!.to).toEqual(['em@example.com']);
      expect(smtp.received[0]!.raw).toContain('Subject: #3 is ready to start');
      expect(smtp.received[0]!.raw).toContain('Start: /quest start #3');
      expect((await rows(id))[0]).toMatchObject({ is_sent: true, delivered_via: 'email' });

      await repo().enqueue([{ userId: id, type: 'unlocked', title: 'Transient' }]);
      smtp.rejectNext(451);
      await delivery.run(() => now);
      expect((await rows(id)).find((r) => r.title === 'Transient')).toMatchObject({ is_sent: false, attempts: 1 });
      await delivery.run(() => new Date(now.getTime() + 60_000));
      expect((await rows(id)).find((r) => r.title === 'Transient')).toMatchObject({ is_sent: true, delivered_via: 'email' });

      await repo().enqueue([{ userId: id, type: 'unlocked', title: 'Bounced' }]);
      smtp.rejectNext(550);
      await delivery.run(() => new Date(now.getTime() + 120_000));
      const bounced = (await rows(id)).find((r) => r.title === 'Bounced');
      expect(bounced).toMatchObject({ is_sent: true, delivered_via: 'none' });
      expect(bounced!.last_error).toMatch(/^email: /);
    } finally {
      sender.close();
      await smtp.close();
    }
  });
});
