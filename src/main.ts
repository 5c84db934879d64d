import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { pino } from 'pino';
import { redactSecrets } from './core/redact.js';
import { ConfigError, loadConfig } from './config.js';
import { createApp } from './app.js';
import { createLogger } from './infra/logger.js';
import { ConsoleNotifier } from './platforms/console/console.notifier.js';
import { ConsoleAdapter } from './platforms/console/console.adapter.js';

/** Composition root: config -> database -> kv -> services -> adapters -> HTTP. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  // In console mode the terminal is the chat: logs go to a file beside the data.
  const logger = config.console
    ? (mkdirSync(config.dataDir, { recursive: true }),
      createLogger(config.logLevel, pino.destination({ dest: join(config.dataDir, 'questlog.log'), mkdir: true, sync: false })))
    : createLogger(config.logLevel);

  const app = await createApp(config, logger);
  // Platform SDKs load only when configured: local mode starts without them.
  const slack = config.slack.enabled ? await (await import('./platforms/slack/index.js')).startSlack(app) : undefined;
  const discord = config.discord.token || config.discord.publicKey ? await (await import('./platforms/discord/index.js')).startDiscord(app) : undefined;
  const port = await app.http.listen(config.port).catch((error: NodeJS.ErrnoException) => {
    if (config.console && error.code === 'EADDRINUSE') {
      logger.warn({ port: config.port }, 'HTTP port in use; local mode continues without the HTTP server');
      return null;
    }
    throw error;
  });
  logger.info({ port, embedded: app.db.embedded, kv: app.kv.kind }, 'questlog started');
  if (config.jobs) app.jobs.start();

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    // Jobs first: the batch in flight finishes (or is released) while the adapters can still send.
    await app.jobs.stop().catch((error) => logger.error({ err: error }, 'jobs shutdown failed'));
    await slack?.stop().catch((error) => logger.error({ err: error }, 'slack shutdown failed'));
    await discord?.stop().catch((error) => logger.error({ err: error }, 'discord shutdown failed'));
    await app.close().catch((error) => logger.error({ err: error }, 'shutdown failed'));
    logger.flush?.();
    process.exit(code);
  };
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));

  if (config.console) {
    const user = process.env.USER || userInfo().username || 'local';
    const adapter = new ConsoleAdapter({
      dispatcher: app.dispatcher,
      input: process.stdin,
      output: process.stdout,
      user,
      filesDir: join(config.dataDir, 'exports'),
    });
    app.notifier.register(new ConsoleNotifier(user, (reply) => adapter.notify(reply)));
    await adapter.run();
    await stop(0);
  }
}

main().catch((error) => {
  // One line, without URL credentials or tokens (a driver message can quote the URL).
  const message = redactSecrets(error instanceof Error ? error.message : String(error)).split('\n')[0];
  process.stderr.write(`Questlog failed to start: ${message}\n`);
  process.exit(1);
});
