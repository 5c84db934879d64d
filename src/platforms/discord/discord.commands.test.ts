import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ApplicationCommandOptionType, REST } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../../commands/index.js';
import { opt } from '../../core/options.js';
import { defineCommand, sub } from '../../core/spec.js';
import { DiscordFake } from '../../testing/discord-fake.js';
import { DISCORD_COMMAND_LIMITS as L, deployCommands, discordCommandProblems, discordCommands } from './discord.commands.js';

const APP_ID = '1300000000000000003';
const run = promisify(execFile);

/** Every option of every command, flattened with its path. */
function allOptions(body: ReturnType<typeof discordCommands>) {
  return body.flatMap((command) =>
    (command.options ?? []).flatMap((option) => {
      const nested = (option as { options?: typeof command.options }).options;
      return option.type === ApplicationCommandOptionType.Subcommand
        ? [
            { path: `/${command.name} ${option.name}`, option },
            ...(nested ?? []).map((o) => ({ path: `/${command.name} ${option.name} ${o.name}`, option: o })),
          ]
        : [{ path: `/${command.name} ${option.name}`, option }];
    }),
  );
}

describe('Discord command registration generated from the specs', () => {
  const body = discordCommands(commands);

  it('registers every command with names, descriptions and choices inside Discord limits', () => {
    expect(body.map((c) => c.name)).toEqual(commands.map((c) => c.name));
    expect(body.length).toBeLessThanOrEqual(L.commands);
    for (const item of [...body, ...allOptions(body).map((o) => o.option)]) {
      expect(item.name, item.name).toMatch(L.name);
      expect(item.name).toBe(item.name.toLowerCase());
      expect(item.description.length, `${item.name}: ${item.description}`).toBeGreaterThanOrEqual(1);
      expect(item.description.length, `${item.name}: ${item.description}`).toBeLessThanOrEqual(L.description);
      const choices = (item as { choices?: Array<{ name: string; value: string }> }).choices ?? [];
      expect(choices.length).toBeLessThanOrEqual(L.choices);
      for (const choice of choices) {
        expect(choice.name.length).toBeGreaterThanOrEqual(1);
        expect(choice.name.length).toBeLessThanOrEqual(L.choiceName);
        expect(choice.value.length).toBeLessThanOrEqual(L.choiceValue);
      }
    }
    expect(discordCommandProblems(body)).toEqual([]);
  });

  it('offers show and hide for the leaderboard setting', () => {
    type Loose = { name: string; options: Array<Record<string, unknown>> };
    const leaderboard = (body.find((c) => c.name === 'settings')!.options as unknown as Loose[]).find((o) => o.name === 'leaderboard')!;
    expect(leaderboard.options).toEqual([
      expect.objectContaining({
        name: 'visibility',
        required: true,
        choices: [
          { name: 'show', value: 'show' },
          { name: 'hide', value: 'hide' },
        ],
      }),
    ]);
  });

  it('asks Discord to autocomplete the time zone', () => {
    type Loose = { name: string; options: Array<Record<string, unknown>> };
    const timezone = (body.find((c) => c.name === 'settings')!.options as unknown as Loose[]).find((o) => o.name === 'timezone')!;
    expect(timezone.options).toEqual([
      expect.objectContaining({ name: 'zone', type: ApplicationCommandOptionType.String, required: true, autocomplete: true }),
    ]);
  });

  it('maps option kinds to Discord types with their limits, quests through autocomplete, required first', () => {
    type Loose = { name: string; type: number; options: Array<Record<string, unknown>> };
    const subcommand = (name: string) => (body.find((c) => c.name === 'quest')!.options as unknown as Loose[]).find((o) => o.name === name)!;
    const create = subcommand('create');
    expect(create.type).toBe(ApplicationCommandOptionType.Subcommand);
    // `title` may be replaced by a one-sentence `text:` (issue 12), so Discord offers it as optional, still first.
    expect(create.options[0]).toMatchObject({ name: 'title', type: ApplicationCommandOptionType.String, max_length: 255 });
    expect(create.options[0]!.required).toBeUndefined();
    expect(subcommand('view').options[0]).toMatchObject({ name: 'quest', required: true });
    expect(create.options.find((o) => o.name === 'difficulty')).toMatchObject({
      type: ApplicationCommandOptionType.String,
      choices: ['easy', 'medium', 'hard', 'epic'].map((c) => ({ name: c, value: c })),
      description: 'How hard it is (default medium)',
    });
    expect(create.options.find((o) => o.name === 'estimate')).toMatchObject({
      type: ApplicationCommandOptionType.String,
      description: expect.stringContaining('default 30m'),
    });
    expect(subcommand('list').options.find((o) => o.name === 'page')).toMatchObject({
      type: ApplicationCommandOptionType.Integer,
      min_value: 1,
      max_value: 10_000,
    });
    const [quest] = subcommand('view').options;
    expect(quest).toMatchObject({ name: 'quest', type: ApplicationCommandOptionType.String, autocomplete: true, required: true });
    expect(quest).not.toHaveProperty('choices');
    for (const { path, option } of allOptions(body)) {
      const opts = (option as { options?: Array<{ required?: boolean }> }).options ?? [];
      const firstOptional = opts.findIndex((o) => !o.required);
      if (firstOptional >= 0)
        expect(
          opts.slice(firstOptional).some((o) => o.required),
          path,
        ).toBe(false);
    }
  });

  it('renders a new command with no Discord-specific code, and reports what Discord would refuse', () => {
    const sample = defineCommand({
      name: 'sample',
      description: 'A command added later',
      root: sub({
        description: 'x',
        options: {
          note: opt.text({ description: 'Optional note', max: 50 }),
          count: opt.integer({ description: 'How many', min: 1, max: 5, required: true }),
          loud: opt.boolean({ description: 'Shout it' }),
          colour: opt.choice({ description: 'Many colours', choices: Array.from({ length: 30 }, (_, i) => `c${i}`) }),
          target: opt.quest({ description: 'Which quest' }),
        },
        handler: async () => ({ text: 'ok' }),
      }),
    });
    const [json] = discordCommands([sample]);
    expect(json!.options!.map((o) => [o.name, o.type])).toEqual([
      ['count', ApplicationCommandOptionType.Integer],
      ['note', ApplicationCommandOptionType.String],
      ['loud', ApplicationCommandOptionType.Boolean],
      ['colour', ApplicationCommandOptionType.String],
      ['target', ApplicationCommandOptionType.String],
    ]);
    expect(json!.options![3]).toMatchObject({ autocomplete: true });
    expect(discordCommandProblems([json!])).toEqual([]);

    const bad = { ...json!, name: 'Bad Name', description: 'x'.repeat(101) };
    expect(discordCommandProblems([bad])).toEqual([
      '/Bad Name: name must be 1-32 lowercase letters, digits, - or _',
      '/Bad Name: description must be 1-100 characters',
    ]);
  });

  describe('deploying against the Discord fake', () => {
    let fake: DiscordFake;
    beforeAll(async () => {
      fake = await DiscordFake.start({ applicationId: APP_ID, token: 'deploy-token' });
    });
    afterAll(async () => fake?.close());

    it('bulk-overwrites global commands, or one guild’s', async () => {
      const rest = new REST({ api: fake.apiUrl }).setToken('deploy-token');
      await deployCommands(rest, APP_ID, commands);
      expect(fake.commands().map((c) => c.name)).toEqual(commands.map((c) => c.name));
      await deployCommands(rest, APP_ID, commands.slice(0, 1), '1100000000000000001');
      expect(fake.commands('1100000000000000001').map((c) => c.name)).toEqual([commands[0]!.name]);
      const puts = fake.requests.filter((r) => r.method === 'PUT');
      expect(puts.map((r) => r.path)).toEqual([`/applications/${APP_ID}/commands`, `/applications/${APP_ID}/guilds/1100000000000000001/commands`]);
      rest.clearHashSweeper();
      rest.clearHandlerSweeper();
    });

    it('the deploy script registers the guild commands named by the environment', async () => {
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        DISCORD_TOKEN: 'deploy-token',
        DISCORD_APPLICATION_ID: APP_ID,
        DISCORD_API_URL: fake.apiUrl,
        DISCORD_GUILD_ID: '1100000000000000009',
      };
      const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/discord-deploy-commands.ts'], { env, timeout: 120_000 });
      expect(stdout).toContain(`Deployed ${commands.length} commands (guild 1100000000000000009)`);
      expect(fake.commands('1100000000000000009').map((c) => c.name)).toEqual(commands.map((c) => c.name));
    }, 150_000); // a child process compiling the whole command tree through tsx
  });
});
