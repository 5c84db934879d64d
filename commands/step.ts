import { defineCommand, sub } from '../src/core/spec.js';
import { opt } from '../src/core/options.js';
import { escapeMarkdown as md } from '../src/core/markdown.js';
import { stepsReply } from '../src/modules/step/step.presenter.js';
import { questRef } from './options.js';

const stepRef = () => opt.text({ description: 'Step position (1, 2, …) or part of its title', required: true, max: 255 });
const position = <R extends boolean = false>(description: string, required?: R) => opt.integer({ description, min: 1, max: 1000, required: required as R });

export default defineCommand({
  name: 'step',
  description: 'Break a quest into an ordered checklist of steps',
  subcommands: {
    add: sub({
      description: 'Add a step to a quest (at the end, or at a position)',
      examples: ['/step add #12 Draft the outline', '/step add #12 "Collect figures" position:1'],
      options: {
        quest: questRef(),
        title: opt.text({ description: 'What the step is', required: true, max: 255 }),
        position: position('Where to put it, 1 = first (default: last)'),
      },
      async handler(ctx, args) {
        const change = await ctx.services.steps.addStep(ctx.user.id, args.quest, args.title, args.position);
        return stepsReply(change.quest, `➕ Added step ${change.step.position}: **${md(change.step.title)}**.`);
      },
    }),
    done: sub({
      description: 'Tick a step off',
      examples: ['/step done #12 2', '/step done #12 outline'],
      options: { quest: questRef(), step: stepRef() },
      async handler(ctx, args) {
        const change = await ctx.services.steps.completeStep(ctx.user.id, args.quest, args.step, ctx.now);
        return stepsReply(change.quest, `✅ Step ${change.step.position} done: **${md(change.step.title)}**.`);
      },
    }),
    undo: sub({
      description: 'Mark a finished step as not done',
      options: { quest: questRef(), step: stepRef() },
      async handler(ctx, args) {
        const change = await ctx.services.steps.reopenStep(ctx.user.id, args.quest, args.step);
        return stepsReply(change.quest, `↩️ Step ${change.step.position} is open again: **${md(change.step.title)}**.`);
      },
    }),
    move: sub({
      description: 'Move a step to another position',
      examples: ['/step move #12 4 1'],
      options: { quest: questRef(), step: stepRef(), position: position('New position, 1 = first', true) },
      async handler(ctx, args) {
        const change = await ctx.services.steps.moveStep(ctx.user.id, args.quest, args.step, args.position);
        const heading =
          change.from === change.step.position
            ? `**${md(change.step.title)}** is already step ${change.step.position}.`
            : `↕️ Moved **${md(change.step.title)}** from ${change.from} to ${change.step.position}.`;
        return stepsReply(change.quest, heading);
      },
    }),
    remove: sub({
      description: 'Remove a step',
      options: { quest: questRef(), step: stepRef() },
      async handler(ctx, args) {
        const change = await ctx.services.steps.removeStep(ctx.user.id, args.quest, args.step);
        return stepsReply(change.quest, `🗑️ Removed step ${change.step.position}: **${md(change.step.title)}**.`);
      },
    }),
    list: sub({
      description: "Show a quest's checklist",
      options: { quest: questRef() },
      async handler(ctx, args) {
        return stepsReply(await ctx.services.steps.listSteps(ctx.user.id, args.quest));
      },
    }),
  },
});
