import { defineCommand, sub } from '../src/core/spec.js';
import { opt } from '../src/core/options.js';
import { helpForCommand, helpIndex } from '../src/core/help.js';

/** `/help`, the name new users try first: the same help as `/questlog help`. */
export default defineCommand({
  name: 'help',
  description: 'Show the commands, or the options of one command',
  root: sub({
    description: 'Show the commands, or the options of one command',
    ephemeral: true,
    options: { command: opt.text({ description: 'A command name, e.g. quest', max: 32 }) },
    async handler(ctx, args) {
      return args.command ? helpForCommand(ctx.registry, args.command) : helpIndex(ctx.registry);
    },
  }),
});
