import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError } from '../../core/errors.js';
import { startTestApp, type TestApp } from '../../testing/test-app.js';
import type { CompletedQuest, CompletionHook } from './completion.js';
import { completionReply } from './quest.presenter.js';
import type { QuestStatus } from '../columns.js';
import { actualDuration, isUnfinishedPrerequisite } from './quest.rules.js';
import { QuestService } from './quest.service.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

const now = new Date('2026-11-24T12:00:00Z');

async function newQuest(user: string, title: string): Promise<{ userId: string; id: string; number: number }> {
  await app.run(`/quest create "${title}"`, user);
  const [row] = await app.sql<{ userId: string; id: string; number: number }>(
    `select q.user_id as "userId", q.id, q.number from quests q join user_identities i on i.user_id = q.user_id
     where i.platform_user_id = ? and q.title = ?`,
    [user, title],
  );
  return row!;
}

/** A hook that grants like gamification would: a ledger row written in the completion transaction. */
function grantingHook(calls: CompletedQuest[]): CompletionHook {
  return {
    async onQuestCompleted(em, quest) {
      calls.push(quest);
      await em.execute(`insert into experience_events (user_id, quest_id, amount, reason) values (?, ?, 25, 'quest_completed')`, [quest.userId, quest.id]);
      return { xpAwarded: 25, lines: ['🔥 3-day streak: +3%'], notices: [{ title: 'Level 2!', tone: 'success' }] };
    },
  };
}

describe('completion hook', () => {
  it('runs exactly once, inside the completion transaction, when ten completions race', async () => {
    const quest = await newQuest('hooked', 'Race me');
    const calls: CompletedQuest[] = [];
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => new QuestService(app.db.orm.em.fork(), grantingHook(calls)).completeQuest(quest.userId, `#${quest.number}`, {}, now)),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((r) => r.status === 'rejected')) {
      expect(r.reason).toBeInstanceOf(ConflictError);
      expect((r.reason as Error).message).toMatch(/it is already completed/);
    }
    expect(calls).toEqual([
      expect.objectContaining({ id: quest.id, userId: quest.userId, number: quest.number, title: 'Race me', difficulty: 'MEDIUM', estimatedDuration: 30, completedAt: now }),
    ]);
    expect(await app.sql('select amount from experience_events where quest_id = ?', [quest.id])).toEqual([{ amount: 25 }]);
  });

  it('rolls the whole completion back when the hook fails', async () => {
    const quest = await newQuest('hooked', 'Fragile');
    const failing: CompletionHook = {
      async onQuestCompleted() {
        throw new Error('ledger unavailable');
      },
    };
    await expect(new QuestService(app.db.orm.em.fork(), failing).completeQuest(quest.userId, `#${quest.number}`, {}, now)).rejects.toThrow('ledger unavailable');
    expect(await app.sql('select status, completed_at from quests where id = ?', [quest.id])).toEqual([{ status: 'ACTIVE', completed_at: null }]);
    expect(await app.sql('select id from quest_analytics where quest_id = ?', [quest.id])).toEqual([]);
    expect(await app.sql(`select id from user_behavior_logs where action_type = 'quest_completed' and action_data->>'questId' = ?`, [quest.id])).toEqual([]);
  });

  it("puts the hook's XP, lines and notices in the completion reply", async () => {
    const quest = await newQuest('hooked', 'Rewarding');
    const result = await new QuestService(app.db.orm.em.fork(), grantingHook([])).completeQuest(quest.userId, `#${quest.number}`, {}, now);
    const reply = completionReply(result);
    expect(reply.text).toBe('Well done, that one is off your list.\n✨ **+25 XP**\n🔥 3-day streak: +3%');
    expect(reply.followUps).toEqual([{ title: 'Level 2!', tone: 'success' }]);
  });
});

describe('the completion statement agrees with the rules', () => {
  const noHook: CompletionHook = { onQuestCompleted: async () => ({ xpAwarded: 0, lines: [], notices: [] }) };
  const service = () => new QuestService(app.db.orm.em.fork(), noHook);

  it.each<[QuestStatus, boolean]>([
    ['ACTIVE', false],
    ['COMPLETED', true],
    ['ARCHIVED', true],
    ['ARCHIVED', false],
  ])('a sequential prerequisite %s (completed before: %s) blocks exactly when isUnfinishedPrerequisite says so', async (status, wasCompleted) => {
    const user = `rules-${status}-${wasCompleted}`;
    const prerequisite = await newQuest(user, 'Prerequisite');
    const dependent = await newQuest(user, 'Dependent');
    await app.run(`/quest depend #${dependent.number} on:#${prerequisite.number}`, user);
    const completedAt = wasCompleted ? now : null;
    await app.sql('update quests set status = ?, completed_at = ? where id = ?', [status, completedAt, prerequisite.id]);
    const unfinished = isUnfinishedPrerequisite({ status, completedAt });
    expect((await service().viewQuest(dependent.userId, `#${dependent.number}`)).blockers.length > 0).toBe(unfinished);
    const completion = service().completeQuest(dependent.userId, `#${dependent.number}`, {}, now);
    if (unfinished) await expect(completion).rejects.toThrow(/waits on #\d+ Prerequisite/);
    else await expect(completion).resolves.toMatchObject({ quest: { number: dependent.number } });
  });

  it.each<[string, string | null, number | undefined]>([
    ['in progress for 150 s', '150 seconds', undefined],
    ['in progress for 90 min, 15 given', '90 minutes', 15],
    ['never started', null, undefined],
  ])('stores the actual duration actualDuration infers: %s', async (name, since, minutes) => {
    const quest = await newQuest('durations', name);
    const startedAt = since === null ? null : new Date(now.getTime() - (since.endsWith('seconds') ? Number.parseInt(since) * 1000 : Number.parseInt(since) * 60_000));
    await app.sql('update quests set status = ?, started_at = ? where id = ?', [startedAt ? 'IN_PROGRESS' : 'ACTIVE', startedAt, quest.id]);
    const result = await service().completeQuest(quest.userId, `#${quest.number}`, { minutes }, now);
    const expected = actualDuration({ status: startedAt ? 'IN_PROGRESS' : 'ACTIVE', startedAt }, now, minutes);
    expect(result.quest.actualDuration).toBe(expected);
    expect(await app.sql('select actual_duration from quests where id = ?', [quest.id])).toEqual([{ actual_duration: expected }]);
  });
});
