import { defineCommand, sub } from '../src/core/spec.js';
import { opt } from '../src/core/options.js';
import { helpIndex, helpForCommand } from '../src/core/help.js';
import { jobsReply } from '../src/jobs/jobs.presenter.js';

export default defineCommand({
  name: 'questlog',
  description: 'About Questlog and help for every command',
  subcommands: {
    help: sub({
      description: 'Show the commands, or the options of one command',
      ephemeral: true,
      options: { command: opt.text({ description: 'A command name, e.g. quest', max: 32 }) },
      async handler(ctx, args) {
        return args.command ? helpForCommand(ctx.registry, args.command) : helpIndex(ctx.registry);
      },
    }),
    jobs: sub({
      description: 'The background jobs (reminders, outbox, housekeeping) with their next and last run',
      ephemeral: true,
      options: {},
      async handler(ctx) {
        return jobsReply(await ctx.services.jobs.list(), ctx.services.jobs.jobsEnabled, ctx.now);
      },
    }),
  },
});
