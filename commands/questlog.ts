import { defineCommand, sub } from '../src/core/spec.js';
import { opt } from '../src/core/options.js';
import { helpIndex, helpForCommand } from '../src/core/help.js';
import { jobsReply } from '../src/jobs/jobs.presenter.js';
import { codeReply, redeemReply } from '../src/modules/link/link.presenter.js';
import { exportReply, forgetPrompt, forgottenReply } from '../src/modules/privacy/privacy.presenter.js';

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
    export: sub({
      description: 'Download everything Questlog stores about you, as a JSON file',
      ephemeral: true,
      slow: true,
      options: {},
      async handler(ctx) {
        return exportReply(await ctx.services.privacy.exportData(ctx.user.id, ctx.now));
      },
    }),
    'forget-me': sub({
      description: 'Delete everything Questlog stores about you (asks first)',
      ephemeral: true,
      examples: ['/questlog forget-me', '/questlog forget-me confirm:yes'],
      options: { confirm: opt.boolean({ description: 'yes deletes without asking' }) },
      async handler(ctx, args) {
        if (!args.confirm) return forgetPrompt(await ctx.services.privacy.holdings(ctx.user.id));
        return forgottenReply(await ctx.services.privacy.forgetMe(ctx.user.id, ctx.now));
      },
    }),
    link: sub({
      description: 'Join your Discord and Slack accounts into one profile (a one-time code)',
      ephemeral: true,
      examples: ['/questlog link', '/questlog link code:K7QX-94MD'],
      options: {
        code: opt.text({ description: 'The code /questlog link showed on your other account', max: 16 }),
        confirm: opt.boolean({ description: 'yes merges when both accounts hold data' }),
      },
      async handler(ctx, args) {
        if (!args.code) return codeReply(await ctx.services.link.issueCode(ctx.user.id));
        return redeemReply(await ctx.services.link.redeem(ctx.user.id, args.code, Boolean(args.confirm), ctx.now));
      },
    }),
  },
});
