import type { CommandServices } from './context.js';
import type { Identity, Invocation, SpaceRef } from './invocation.js';
import type { NameSource } from './options.js';
import type { Reply } from './reply.js';

/** The user behind an identity, created on first contact. */
export interface ResolvedUser {
  id: string;
  displayName: string;
  spaceId: string | null;
  /** Served from the process's memo: another replica may have deleted or merged the user since. */
  remembered?: boolean;
}

/** A suggestion for an autocompleted option. */
export interface AutocompleteChoice {
  name: string;
  value: string;
}

/**
 * One request's view of the application, opened by dispatch for every command
 * or autocomplete: the services on their own unit of work, who the user is,
 * and what to suggest. The composition root builds it (src/app.ts).
 */
export interface RequestScope {
  services: CommandServices;
  resolveUser(identity: Identity, space: SpaceRef | undefined, hints?: Invocation['hints']): Promise<ResolvedUser>;
  /** True when the identity no longer leads to `userId` (forgotten or merged elsewhere); the memo is dropped so the next resolve looks again. */
  forgetIfStale(identity: Identity, userId: string): Promise<boolean>;
  /**
   * Runs a command's work for `userId`: every statement it sends, in or out of a
   * transaction, sees and writes that user's rows only (row-level security).
   */
  actAs<T>(userId: string, work: () => Promise<T>): Promise<T>;
  /** The user's own quests, categories, projects or tags matching `partial`, best first. */
  suggest(userId: string, source: NameSource | 'quest', partial: string, limit: number): Promise<AutocompleteChoice[]>;
}

/** A Slack OAuth installation as stored, one per install key. */
export interface SlackInstallationRecord {
  /** The team id, or the enterprise id for an org-wide install. */
  installKey: string;
  teamId: string | null;
  enterpriseId: string | null;
  isEnterpriseInstall: boolean;
  botUserId: string | null;
  /** The installation as the Slack OAuth library shapes it (tokens included). */
  installation: Record<string, unknown>;
}

/** Where Slack OAuth installations live (PostgreSQL in the app). */
export interface SlackInstallationPort {
  saveInstallation(record: SlackInstallationRecord): Promise<void>;
  findInstallation(installKey: string): Promise<Record<string, unknown> | null>;
  /** Resolves true when an installation was removed. */
  deleteInstallation(installKey: string): Promise<boolean>;
}

/** What the platform adapters need from the application besides dispatch. */
export interface PlatformPorts {
  /** The platform refuses direct messages to this identity: stop sending to it. */
  markUnreachable(identity: Identity): Promise<void>;
  /** Slack OAuth installations, on a fresh unit of work per call. */
  slackInstallations(): SlackInstallationPort;
  /** Slack App Home: the user's open quests, each as a card with its own buttons. */
  homeQuests(invocation: Invocation): Promise<Reply[]>;
}
