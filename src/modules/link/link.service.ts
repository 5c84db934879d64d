import type { EntityManager } from '@mikro-orm/postgresql';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors.js';
import type { KvStore } from '../../infra/kv/kv.js';
import type { Logger } from '../../infra/logger.js';
import type { LeaderboardService } from '../leaderboard/leaderboard.service.js';
import type { UserDirectory } from '../user/user.service.js';
import { displayCode, isWellFormedCode, LinkCodes, normalizeCode } from './link.codes.js';
import { linkMessages } from './link.messages.js';
import { asJobs } from '../../infra/db/acting.js';
import { LinkRepository, type MergeOutcome } from './link.repository.js';
import { chooseSurvivor, holdsData, type LinkSide } from './link.rules.js';

export interface LinkDeps {
  kv: KvStore;
  logger: Logger;
  directory: UserDirectory;
  leaderboard: LeaderboardService;
}

export type RedeemResult =
  | { kind: 'confirm'; code: string; here: LinkSide; there: LinkSide; therePlatforms: string[]; absorbedIsHere: boolean }
  | { kind: 'linked'; outcome: MergeOutcome; absorbedIsHere: boolean };

/** One person, one profile: a one-time code joins two platform identities into one user. */
export class LinkService {
  private readonly repo: LinkRepository;
  private readonly codes: LinkCodes;

  constructor(
    private readonly em: EntityManager,
    private readonly deps: LinkDeps,
  ) {
    this.repo = new LinkRepository(em);
    this.codes = new LinkCodes(deps.kv);
  }

  async issueCode(userId: string): Promise<{ code: string; minutes: number }> {
    const { code, expiresInMs } = await this.codes.issue(userId);
    return { code: displayCode(code), minutes: Math.round(expiresInMs / 60_000) };
  }

  /**
   * Redeems a code from the other account. When both sides hold data and the
   * merge is not confirmed yet, returns what a merge would do (the code stays
   * valid); otherwise uses the code up and merges in one transaction.
   */
  async redeem(userId: string, typed: string, confirmed: boolean, now: Date): Promise<RedeemResult> {
    const code = normalizeCode(typed);
    if (!isWellFormedCode(code)) throw new ValidationError(linkMessages.code_malformed(), { field: 'code' });
    const issuer = await this.codes.peek(code);
    if (!issuer) throw new NotFoundError(linkMessages.code_unknown());
    if (issuer === userId) throw new ConflictError(linkMessages.own_code());
    // From here the command spans two users, which the issuer's valid code authorizes: the jobs role (row-level security).
    return asJobs(() => this.redeemFrom(issuer, userId, code, confirmed, now));
  }

  private async redeemFrom(issuer: string, userId: string, code: string, confirmed: boolean, now: Date): Promise<RedeemResult> {
    const [here, there] = await Promise.all([this.repo.side(userId), this.repo.side(issuer)]);
    if (!here || !there) throw new NotFoundError(linkMessages.code_unknown());
    const { survivor, absorbed } = chooseSurvivor(there, here);
    const absorbedIsHere = absorbed.userId === userId;
    if (holdsData(here) && holdsData(there) && !confirmed) {
      return { kind: 'confirm', code: displayCode(code), here, there, therePlatforms: await this.repo.platforms(issuer), absorbedIsHere };
    }
    if (!(await this.codes.consume(code, issuer))) throw new NotFoundError(linkMessages.code_unknown());
    const outcome = await this.repo.merge(survivor.userId, absorbed.userId);
    if (!outcome) throw new NotFoundError(linkMessages.code_unknown());
    await this.afterMerge(outcome, now);
    return { kind: 'linked', outcome, absorbedIsHere };
  }

  /** The absorbed user's cached mapping, pending code and leaderboard places go; the survivor's scores are republished. */
  private async afterMerge(outcome: MergeOutcome, now: Date): Promise<void> {
    const { directory, leaderboard, logger } = this.deps;
    directory.forgetUser(outcome.absorbedId);
    directory.forgetUser(outcome.survivorId);
    try {
      await this.codes.revoke(outcome.absorbedId);
      await leaderboard.publish({ userId: outcome.absorbedId, optedIn: false, spaces: outcome.spaceIds, scores: { all: 0, week: 0, month: 0 }, now });
      await leaderboard.publish(await leaderboard.scoresFor(this.em, outcome.survivorId, now));
    } catch (error) {
      logger.warn({ err: error, userId: outcome.survivorId }, 'leaderboard or kv update after a link failed; boards heal at their next rebuild');
    }
  }
}
