import { commands } from '../commands/index.js';
import type { Config } from './config.js';
import { NotifierRouter } from './core/notifier.js';
import { Dispatcher } from './core/dispatch.js';
import { CommandRegistry } from './core/registry.js';
import { openDatabase, type Database } from './infra/db/orm.js';
import { HttpServer } from './infra/http/server.js';
import { createKvStore } from './infra/kv/index.js';
import type { KvStore } from './infra/kv/kv.js';
import type { Logger } from './infra/logger.js';
import { createMetrics, type Metrics } from './infra/metrics.js';
import { UserDirectory } from './modules/user/user.service.js';
import { entities } from './modules/entities.js';
import { createServices, openRequest, platformPorts, type AppServices, type ServiceDeps } from './modules/services.js';
import type { PlatformPorts } from './core/ports.js';

export interface App {
  config: Readonly<Config>;
  db: Database;
  kv: KvStore;
  dispatcher: Dispatcher;
  /** Request-scoped services outside a command (App Home, jobs), sharing the dispatcher's caches. */
  services(): AppServices;
  http: HttpServer;
  metrics: Metrics;
  logger: Logger;
  /** Platform adapters register their direct-message senders here. */
  notifier: NotifierRouter;
  /** What the platform adapters need from the features (marking identities, Slack installs, App Home). */
  ports: PlatformPorts;
  /** A dispatcher over another command set sharing this app's services (tests add commands). */
  createDispatcher(registry: CommandRegistry): Dispatcher;
  close(): Promise<void>;
}

/**
 * The composition root's wiring, shared by `main.ts`, tests and benchmarks:
 * database (migrated) -> kv store -> services -> dispatch -> HTTP routes.
 */
export async function createApp(config: Readonly<Config>, logger: Logger, options: { clock?: () => Date; poolMax?: number; embeddedSeed?: Blob } = {}): Promise<App> {
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, entities, poolMax: options.poolMax, logger, embeddedSeed: options.embeddedSeed });
  const kv = createKvStore(config.redisUrl, { onError: (error: Error) => logger.warn({ err: error }, 'redis error') });
  const metrics = createMetrics();
  const serviceDeps: ServiceDeps = { kv, logger, directory: new UserDirectory() };
  const createDispatcher = (registry: CommandRegistry) =>
    new Dispatcher({
      openRequest: () => openRequest(serviceDeps, db.orm.em.fork()),
      registry,
      logger,
      clock: options.clock,
      observe: (command, platform, outcome, seconds) => {
        metrics.commands.inc({ command, platform, outcome });
        metrics.latency.observe({ command }, seconds);
      },
    });
  const dispatcher = createDispatcher(new CommandRegistry(commands));
  const http = new HttpServer(
    logger,
    [
      { name: 'database', check: async () => void (await db.orm.em.fork().execute('select 1')) },
      { name: 'kv', check: () => kv.ping() },
    ],
    () => metrics.render(),
  );
  return {
    config,
    db,
    kv,
    dispatcher,
    services: () => createServices(serviceDeps, db.orm.em.fork()),
    http,
    metrics,
    logger,
    notifier: new NotifierRouter(),
    ports: platformPorts(serviceDeps, () => db.orm.em.fork()),
    createDispatcher,
    async close() {
      await http.close();
      await kv.close();
      await db.close();
    },
  };
}
