import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Quest } from './quest.entity.js';
import { OPEN_STATUSES } from './quest.rules.js';
import { QuestSeries } from './recurrence.entity.js';
import type { SeriesRule } from './recurrence.rules.js';

export interface StoredSeries extends SeriesRule {
  id: string;
  userId: string;
  paused: boolean;
}

/** The open occurrence of a series, with what tells whether the user has touched it. */
export interface OpenOccurrence {
  id: string;
  number: number;
  status: string;
  startedAt: Date | null;
  stepsDone: number;
}

/** An open occurrence past its due time, as the roll reads it. */
export interface RollCandidate extends SeriesRule {
  questId: string;
  userId: string;
  dueAt: Date;
}

const OPEN = JSON.stringify(OPEN_STATUSES);

/** Series of recurring quests and their occurrences. Call with the transaction's EntityManager where there is one. */
export class RecurrenceRepository {
  constructor(private readonly em: EntityManager) {}

  async insertSeries(userId: string, rule: SeriesRule): Promise<string> {
    return (await this.em.insert(QuestSeries, { userId, rrule: rule.rrule, timezone: rule.timezone, dtstart: rule.dtstart, paused: false })) as string;
  }

  /** A new rule for the series (edit), which also resumes it. */
  async updateSeries(userId: string, id: string, rule: SeriesRule): Promise<void> {
    await this.em.nativeUpdate(QuestSeries, { id, userId }, { rrule: rule.rrule, timezone: rule.timezone, dtstart: rule.dtstart, paused: false });
  }

  async series(userId: string, id: string, options: { lock?: boolean } = {}): Promise<StoredSeries | null> {
    const row = await this.em.findOne(
      QuestSeries,
      { id, userId },
      { ...(options.lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {}), disableIdentityMap: true },
    );
    return row && { id: row.id, userId: row.userId, rrule: row.rrule, timezone: row.timezone, dtstart: new Date(row.dtstart), paused: row.paused };
  }

  async setPaused(userId: string, id: string, paused: boolean): Promise<void> {
    await this.em.nativeUpdate(QuestSeries, { id, userId }, { paused });
  }

  /** Deletes the series; its quests stay, detached (`on delete set null`). */
  async deleteSeries(userId: string, id: string): Promise<void> {
    await this.em.nativeDelete(QuestSeries, { id, userId });
  }

  async attach(userId: string, questId: string, seriesId: string | null): Promise<void> {
    await this.em.nativeUpdate(Quest, { id: questId, userId }, { seriesId });
  }

  async setDue(userId: string, questId: string, dueAt: Date): Promise<void> {
    await this.em.nativeUpdate(Quest, { id: questId, userId }, { dueAt });
  }

  /** The series' open occurrence other than `exceptId`, if any. */
  async openOccurrence(seriesId: string, exceptId?: string): Promise<OpenOccurrence | null> {
    // raw: the open occurrence with its ticked steps counted, in one statement.
    const [row] = await this.em.execute<Array<OpenOccurrence & { startedAt: string | Date | null }>>(
      `select q.id, q.number, q.status, q.started_at as "startedAt",
         (select count(*)::int from quest_steps s where s.quest_id = q.id and s.completed) as "stepsDone"
       from quests q where q.series_id = ? and q.status in (select jsonb_array_elements_text(?::jsonb)) and q.id <> ?::uuid limit 1`,
      [seriesId, OPEN, exceptId ?? '00000000-0000-0000-0000-000000000000'],
    );
    return row ? { ...row, stepsDone: Number(row.stepsDone), startedAt: row.startedAt === null ? null : new Date(row.startedAt) } : null;
  }

  /** The series' most recent occurrence (highest number): the template of the next one. */
  async latestOccurrence(seriesId: string): Promise<string | null> {
    const row = await this.em.findOne(Quest, { seriesId }, { fields: ['id'], orderBy: { number: 'desc' }, disableIdentityMap: true });
    return row?.id ?? null;
  }

  /** Deletes an occurrence nobody has touched (its steps and tags cascade). */
  async deleteOccurrence(userId: string, questId: string): Promise<void> {
    await this.em.nativeDelete(Quest, { id: questId, userId });
  }

  /**
   * The next occurrence, copied from `templateId` in one statement: title,
   * description, difficulty, priority, estimate, XP, category, project, tags and
   * steps (unticked), due at `dueAt`. Nothing is written when the series already
   * has an open occurrence (the partial unique index is the last word on it).
   */
  async spawn(userId: string, seriesId: string, templateId: string, dueAt: Date): Promise<{ id: string; number: number } | null> {
    // raw: data-modifying CTEs (counter, quest, steps, tags, behavior log) in one round trip, as quest creation does.
    const [row] = await this.em.execute<Array<{ id: string; number: number }>>(
      `with t as (select * from quests where id = ? and user_id = ? and series_id = ?),
            counter as (
              update users set quest_counter = quest_counter + 1
              where id = ? and exists (select 1 from t)
                and not exists (select 1 from quests o where o.series_id = ? and o.status in (select jsonb_array_elements_text(?::jsonb)))
              returning quest_counter),
            q as (
              insert into quests (user_id, number, title, description, difficulty, status, priority, estimated_duration,
                experience_points, category_id, project_id, due_at, series_id)
              select t.user_id, counter.quest_counter, t.title, t.description, t.difficulty, 'ACTIVE', t.priority, t.estimated_duration,
                t.experience_points, t.category_id, t.project_id, ?::timestamptz, t.series_id from t, counter
              returning id, number),
            st as (
              insert into quest_steps (quest_id, title, description, completed, order_index)
              select q.id, s.title, s.description, false, s.order_index from q, quest_steps s where s.quest_id = (select id from t)),
            tg as (insert into quest_tags (quest_id, tag_id) select q.id, qt.tag_id from q, quest_tags qt where qt.quest_id = (select id from t)),
            log as (
              insert into user_behavior_logs (user_id, action_type, action_data)
              select ?, 'quest_created', jsonb_build_object('questId', q.id, 'number', q.number, 'seriesId', ?::text, 'recurring', true) from q)
       select id, number from q`,
      [templateId, userId, seriesId, userId, seriesId, OPEN, dueAt.toISOString(), userId, seriesId],
    );
    return row ? { id: row.id, number: Number(row.number) } : null;
  }

  /**
   * Up to `limit` open occurrences of unpaused series due before `now`, after
   * `afterId` in id order (the roll pages through them once per run).
   */
  async overdueOccurrences(now: Date, afterId: string | null, limit: number): Promise<RollCandidate[]> {
    // raw: a join of quests and their series with a keyset page, read without locks; the move re-checks each row.
    const rows = await this.em.execute<
      Array<{ questId: string; userId: string; dueAt: string | Date; rrule: string; timezone: string; dtstart: string | Date }>
    >(
      `select q.id as "questId", q.user_id as "userId", q.due_at as "dueAt", s.rrule, s.timezone, s.dtstart
       from quests q join quest_series s on s.id = q.series_id
       where q.status in (select jsonb_array_elements_text(?::jsonb)) and q.due_at < ?::timestamptz and not s.paused
         and (?::uuid is null or q.id > ?::uuid)
       order by q.id limit ?`,
      [OPEN, now.toISOString(), afterId, afterId, limit],
    );
    return rows.map((r) => ({ ...r, dueAt: new Date(r.dueAt), dtstart: new Date(r.dtstart) }));
  }

  /**
   * Moves each occurrence's due time from `from` to `to` in one idempotent
   * statement: only a row still open, still due at `from` and in an unpaused
   * series changes, so a concurrent completion, edit or second run wins.
   */
  async moveDue(moves: Array<{ questId: string; from: Date; to: Date }>): Promise<number> {
    if (!moves.length) return 0;
    // raw: one UPDATE ... FROM jsonb_to_recordset for the whole batch.
    const rows = await this.em.execute<Array<{ id: string }>>(
      `update quests q set due_at = m."to", updated_at = now()
       from jsonb_to_recordset(?::jsonb) as m("questId" uuid, "from" timestamptz, "to" timestamptz)
       where q.id = m."questId" and q.due_at = m."from" and q.status in (select jsonb_array_elements_text(?::jsonb))
         and exists (select 1 from quest_series s where s.id = q.series_id and not s.paused)
       returning q.id`,
      [JSON.stringify(moves.map((m) => ({ questId: m.questId, from: m.from.toISOString(), to: m.to.toISOString() }))), OPEN],
    );
    return rows.length;
  }
}
