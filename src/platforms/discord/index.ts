import { REST } from 'discord.js';
import type { App } from '../../app.js';
import { DiscordCustomIds } from './discord.custom-id.js';
import { startGateway } from './discord.gateway.js';
import { mountHttpInteractions } from './discord.http.js';
import type { InteractionDeps } from './discord.interaction.js';
import { DiscordNotifier } from './discord.notifier.js';

export type DiscordApp = Pick<App, 'config' | 'kv' | 'dispatcher' | 'http' | 'logger' | 'notifier' | 'ports'>;

/**
 * Starts what `config.discord` enables: the HTTP interactions endpoint
 * (`DISCORD_PUBLIC_KEY`), the gateway client (`DISCORD_TOKEN`, unless
 * `DISCORD_GATEWAY=off`) and, with a bot token, direct messages through the
 * notifier port. Resolves once the gateway session is ready.
 */
export async function startDiscord(app: DiscordApp): Promise<{ stop(): Promise<void> }> {
  const { token, applicationId, publicKey, gateway: gatewayOn, apiUrl } = app.config.discord;
  const logger = app.logger.child({ platform: 'discord' });
  const ids = new DiscordCustomIds(app.kv);
  const deps: InteractionDeps = { dispatcher: app.dispatcher, ids, logger };
  const stops: Array<() => Promise<void>> = [];
  const rests: REST[] = [];

  if (publicKey && applicationId) {
    const rest = new REST({ api: apiUrl });
    rests.push(rest);
    stops.push(mountHttpInteractions({ http: app.http, publicKey, applicationId, rest, kv: app.kv, deps }).stop);
    logger.info('discord HTTP interactions endpoint mounted');
  }
  const gateway = gatewayOn && token ? await startGateway({ token, apiUrl, deps }) : undefined;
  if (gateway) stops.push(gateway.stop);

  if (token) {
    let rest = gateway?.client.rest;
    if (!rest) {
      rest = new REST({ api: apiUrl }).setToken(token);
      rests.push(rest);
    }
    app.notifier.register(new DiscordNotifier({ rest, kv: app.kv, ids, logger, markUnreachable: (identity) => app.ports.markUnreachable(identity) }));
  }

  return {
    async stop() {
      for (const stop of stops.reverse()) await stop();
      for (const rest of rests) {
        rest.clearHashSweeper();
        rest.clearHandlerSweeper();
      }
    },
  };
}
