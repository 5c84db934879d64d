import type { EntityManager } from '@mikro-orm/postgresql';
import { SpaceMember } from '../space/space.entity.js';
import { SpaceRepository } from '../space/space.repository.js';
import { User } from '../user/user.entity.js';
import { scoringSpans, type PeriodWindow } from './leaderboard.rules.js';
import { asJobs } from '../../infra/db/acting.js';

/** A member's score on one board. */
export interface BoardScore {
  userId: string;
  score: number;
}

/** A user's standing as the cache needs it after a change of their XP. */
export interface UserStanding {
  optedIn: boolean;
  all: number;
  week: number;
  month: number;
}

/** A user as a board shows them. */
export interface BoardPerson {
  id: string;
  name: string;
  optedIn: boolean;
}

/** Scores from the ledger and who may appear on boards. */
export class LeaderboardRepository {
  constructor(private readonly em: EntityManager) {}

  /**
   * Opted-in members of a space with a positive score for the window, best first (ties as the sorted set orders them).
   * A board spans its members: read as the jobs role (row-level security would show the acting user only).
   */
  async boardScores(spaceId: string, window: PeriodWindow): Promise<BoardScore[]> {
    const rows = await asJobs(() => (window.from === null ? this.totals(spaceId) : this.ledgerTotals(spaceId, window.from, window.to!)));
    return rows.map((r) => ({ userId: r.userId, score: Number(r.score) }));
  }

  private async totals(spaceId: string): Promise<BoardScore[]> {
    const members = this.em.createQueryBuilder(SpaceMember, 'm').select('m.userId').where({ spaceId });
    const rows = await this.em
      .createQueryBuilder(User, 'u')
      .select(['u.id', 'u.experiencePoints'])
      .join('u.profile', 'p')
      .where({ id: { $in: members.getKnexQuery() }, experiencePoints: { $gt: 0 }, profile: { leaderboardOptIn: true } })
      .orderBy([{ experiencePoints: 'desc' }, { id: 'desc' }])
      .execute<Array<{ id: string; experiencePoints: number }>>('all', true);
    return rows.map((r) => ({ userId: r.id, score: Number(r.experiencePoints) }));
  }

  // raw: reporting aggregate (ledger sum per member over a period, filtered with having)
  private ledgerTotals(spaceId: string, from: Date, to: Date) {
    return this.em.execute<BoardScore[]>(
      `select e.user_id as "userId", sum(e.amount)::int as score
       from space_members m join user_profiles p on p.user_id = m.user_id and p.leaderboard_opt_in
       join experience_events e on e.user_id = m.user_id and e.created_at >= ? and e.created_at < ?
       where m.space_id = ?
       group by e.user_id having sum(e.amount) > 0
       order by score desc, e.user_id desc`,
      [from.toISOString(), to.toISOString(), spaceId],
    );
  }

  /** Opt-in, total XP and this week's and month's ledger sums of a user (call inside the transaction that changed them). */
  async standing(userId: string, now: Date): Promise<UserStanding> {
    const { week, month } = scoringSpans(now);
    const since = week.from < month.from ? week.from : month.from;
    // raw: two filtered ledger sums per period in one aggregate, with the user's row
    const [row] = await this.em.execute<UserStanding[]>(
      `select p.leaderboard_opt_in as "optedIn", u.experience_points as "all",
         coalesce(s.week, 0)::int as week, coalesce(s.month, 0)::int as month
       from users u join user_profiles p on p.user_id = u.id
       left join lateral (select sum(amount) filter (where created_at >= ?::timestamptz and created_at < ?::timestamptz) as week,
           sum(amount) filter (where created_at >= ?::timestamptz and created_at < ?::timestamptz) as month
         from experience_events where user_id = u.id and created_at >= ?::timestamptz) s on true
       where u.id = ?`,
      [...[week.from, week.to, month.from, month.to, since].map((d) => d.toISOString()), userId],
    );
    return {
      optedIn: row?.optedIn ?? false,
      all: Number(row?.all ?? 0),
      week: Number(row?.week ?? 0),
      month: Number(row?.month ?? 0),
    };
  }

  async spacesOf(userId: string): Promise<string[]> {
    return new SpaceRepository(this.em).spacesOf(userId);
  }

  /** Display names and opt-in of the given users, in one query (other members: the jobs role). */
  async people(ids: string[]): Promise<BoardPerson[]> {
    const users = await asJobs(() =>
      this.em.find(
        User,
        { id: { $in: ids } },
        { populate: ['profile'], fields: ['displayName', 'username', 'profile.leaderboardOptIn'], strategy: 'joined', disableIdentityMap: true },
      ),
    );
    return users.map((u) => ({ id: u.id, name: u.displayName ?? u.username, optedIn: u.profile?.leaderboardOptIn ?? true }));
  }
}
