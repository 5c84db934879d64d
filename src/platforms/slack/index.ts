import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { App as BoltApp, HTTPReceiver, SocketModeReceiver, webApi } from '@slack/bolt';
import type { App } from '../../app.js';
import { json } from '../../infra/http/server.js';
import { SlackAdapter } from './slack.adapter.js';
import { CachedInstallationStore, installationAuthorizer, singleWorkspaceAuthorizer, type SlackAuthorizer } from './slack.installs.js';
import { boltLogger } from './slack.logger.js';
import { BOT_SCOPES, EVENTS_PATH, INSTALL_PATH, REDIRECT_PATH } from './slack.manifest.js';
import { SlackNotifier } from './slack.notifier.js';
import { slackRequestGuard } from './slack.guard.js';

export interface SlackOptions {
  /** Merged into every WebClient's options (tests pass a fast `retryConfig`). */
  clientOptions?: Partial<webApi.WebClientOptions>;
  /** How long a command may run before its reply goes through `response_url` (default 2 s). */
  replyBudgetMs?: number;
}

export interface Slack {
  bolt: BoltApp;
  receiver: HTTPReceiver | SocketModeReceiver;
  /** Connects Socket Mode; HTTP mode serves from the shared server already. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Builds the Slack front end on the app: Bolt with our authorize, the
 * listeners, the routes on the shared HTTP server (events in HTTP mode, the
 * OAuth install pages when configured) and the DM notifier. Nothing connects
 * until `start()`.
 */
export function createSlack(app: App, options: SlackOptions = {}): Slack {
  const config = app.config.slack;
  const logger = boltLogger(app.logger);
  const clientOptions: webApi.WebClientOptions = { slackApiUrl: config.apiUrl, logger, ...options.clientOptions };

  const oauth =
    config.clientId && config.clientSecret && config.stateSecret
      ? { clientId: config.clientId, clientSecret: config.clientSecret, stateSecret: config.stateSecret }
      : undefined;
  const store = oauth ? new CachedInstallationStore(() => app.ports.slackInstallations()) : undefined;
  let auth: SlackAuthorizer;
  if (store) auth = installationAuthorizer(store);
  // authorize runs before every ack: its one auth.test must fail fast rather than retry for minutes.
  else if (config.botToken)
    auth = singleWorkspaceAuthorizer(config.botToken, new webApi.WebClient(undefined, { ...clientOptions, retryConfig: { retries: 0 }, timeout: 2000 }));
  else throw new Error('Slack needs SLACK_BOT_TOKEN, or SLACK_CLIENT_ID/SLACK_CLIENT_SECRET/SLACK_STATE_SECRET for OAuth installs');

  const receiver = config.appToken
    ? new SocketModeReceiver({ appToken: config.appToken, logger, installerOptions: { clientOptions } })
    : new HTTPReceiver({ signingSecret: config.signingSecret ?? '', endpoints: EVENTS_PATH, logger });
  // Bolt's receivers would open their own port for the install pages: this one only lends its
  // installer to the shared server. It has no event endpoint, so its signing secret is never used.
  const installs =
    oauth &&
    new HTTPReceiver({
      ...oauth,
      signingSecret: randomBytes(32).toString('hex'),
      endpoints: [],
      logger,
      scopes: BOT_SCOPES,
      installationStore: store,
      installerOptions: { clientOptions, installPath: INSTALL_PATH, redirectUriPath: REDIRECT_PATH },
    });

  const bolt = new BoltApp({ receiver, authorize: (source) => auth.authorize(source), logger, clientOptions, convoStore: false });
  const adapter = new SlackAdapter({
    dispatcher: app.dispatcher,
    kv: app.kv,
    logger: app.logger,
    replyBudgetMs: options.replyBudgetMs,
    homeQuests: (invocation) => app.ports.homeQuests(invocation),
    notify: (identity, reply) => app.notifier.send(identity, reply),
    uninstall: store && ((source) => store.forgetWorkspace(source)),
  });
  adapter.register(bolt);

  if (receiver instanceof HTTPReceiver || installs) {
    const guard = slackRequestGuard({ signingSecret: config.signingSecret ?? '', kv: app.kv, logger: app.logger });
    app.http.mount('*', '/slack/', (req: IncomingMessage, res: ServerResponse) => {
      const path = (req.url ?? '/').split('?')[0];
      if (receiver instanceof HTTPReceiver && req.method === 'POST' && path === EVENTS_PATH) return guard(req, res, () => receiver.requestListener(req, res));
      if (installs && req.method === 'GET' && (path === INSTALL_PATH || path === REDIRECT_PATH)) return installs.requestListener(req, res);
      json(res, 404, { error: 'not found' });
    });
  }

  const clients = new Map<string, webApi.WebClient>();
  app.notifier.register(
    new SlackNotifier({
      kv: app.kv,
      logger: app.logger,
      tokenFor: (teamId) => auth.tokenFor(teamId),
      clientFor: (token) => {
        let client = clients.get(token);
        if (!client) clients.set(token, (client = new webApi.WebClient(token, clientOptions)));
        return client;
      },
      markUnreachable: (identity) => app.ports.markUnreachable(identity),
    }),
  );

  return {
    bolt,
    receiver,
    async start() {
      if (receiver instanceof SocketModeReceiver) await bolt.start();
    },
    async stop() {
      if (receiver instanceof SocketModeReceiver) await bolt.stop();
      await adapter.drain();
    },
  };
}

/** Starts Slack (HTTP mode at `POST /slack/events`, Socket Mode with `SLACK_APP_TOKEN`) and registers its notifier. */
export async function startSlack(app: App, options: SlackOptions = {}): Promise<{ stop(): Promise<void> }> {
  const slack = createSlack(app, options);
  await slack.start();
  app.logger.info({ mode: slack.receiver instanceof SocketModeReceiver ? 'socket' : 'http', oauth: Boolean(app.config.slack.clientId) }, 'slack started');
  return { stop: () => slack.stop() };
}
