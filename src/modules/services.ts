import type { EntityManager } from '@mikro-orm/postgresql';
import type { KvStore } from '../infra/kv/kv.js';
import type { Logger } from '../infra/logger.js';
import { QuestService } from './quest/quest.service.js';
import { UserService, type UserDirectory } from './user/user.service.js';

/** Long-lived collaborators shared by every request. */
export interface ServiceDeps {
  kv: KvStore;
  logger: Logger;
  directory: UserDirectory;
}

/** Request-scoped services, bound to the request's forked EntityManager. */
export function createServices(deps: ServiceDeps, em: EntityManager) {
  return {
    em,
    users: new UserService(em, deps.directory),
    quests: new QuestService(em),
  };
}

export type AppServices = ReturnType<typeof createServices>;
