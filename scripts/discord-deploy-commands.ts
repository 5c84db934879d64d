import { REST } from 'discord.js';
import { commands } from '../commands/index.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { deployCommands } from '../src/platforms/discord/discord.commands.js';

/**
 * `npm run commands:deploy`: bulk-overwrites the slash commands generated from
 * the specs: the guild's with DISCORD_GUILD_ID (instant, for development),
 * otherwise the global ones.
 */
try {
  const { discord } = loadConfig();
  if (!discord.token || !discord.applicationId)
    throw new ConfigError('Invalid configuration: DISCORD_TOKEN and DISCORD_APPLICATION_ID are required to deploy commands');
  const rest = new REST({ api: discord.apiUrl }).setToken(discord.token);
  const body = await deployCommands(rest, discord.applicationId, commands, discord.guildId);
  rest.clearHashSweeper();
  rest.clearHandlerSweeper();
  const where = discord.guildId ? `guild ${discord.guildId}` : 'global';
  process.stdout.write(`Deployed ${body.length} commands (${where}): ${body.map((c) => `/${c.name}`).join(', ')}\n`);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(error instanceof ConfigError ? 2 : 1);
}
