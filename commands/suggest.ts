import { defineCommand, sub } from '../src/core/spec.js';
import { opt, OptionValueError } from '../src/core/options.js';
import { decisionReply, suggestionReply } from '../src/modules/suggestion/suggestion.presenter.js';
import { questRef } from './options.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const suggestionId = () => {
  const text = opt.text({ description: 'The suggestion id shown under it', required: true, max: 36 });
  return {
    ...text,
    parse(raw: unknown): string {
      const value = String(raw).trim();
      if (!UUID.test(value))
        throw new OptionValueError(`must be the id shown under the suggestion, like 0b6f3c1e-5d2a-4f7b-9c8e-1a2b3c4d5e6f (got "${value.slice(0, 40)}")`);
      return value.toLowerCase();
    },
  };
};

export default defineCommand({
  name: 'suggest',
  description: 'AI suggestions: break a quest down, estimate it, or pick what to do next',
  subcommands: {
    breakdown: sub({
      description: 'Suggest 3-12 concrete steps for a quest',
      examples: ['/suggest breakdown #12'],
      slow: true,
      options: { quest: questRef() },
      async handler(ctx, args) {
        return suggestionReply(await ctx.services.suggestions.breakdown(ctx.user.id, args.quest, ctx.now));
      },
    }),
    estimate: sub({
      description: 'Suggest a duration and difficulty for a quest, from your own history',
      examples: ['/suggest estimate #12'],
      slow: true,
      options: { quest: questRef() },
      async handler(ctx, args) {
        return suggestionReply(await ctx.services.suggestions.estimate(ctx.user.id, args.quest, ctx.now));
      },
    }),
    next: sub({
      description: 'Pick the one quest to do now',
      examples: ['/suggest next', '/suggest next minutes:45m'],
      slow: true,
      options: { minutes: opt.duration({ description: 'Time you have now, e.g. 45m', min: 5, max: 1440 }) },
      async handler(ctx, args) {
        return suggestionReply(await ctx.services.suggestions.next(ctx.user.id, args.minutes, ctx.now));
      },
    }),
    accept: sub({
      description: 'Apply a suggestion (the Accept button)',
      options: { id: suggestionId() },
      async handler(ctx, args) {
        return decisionReply(await ctx.services.suggestions.accept(ctx.user.id, args.id, ctx.now));
      },
    }),
    dismiss: sub({
      description: 'Turn a suggestion down (the Dismiss button)',
      options: { id: suggestionId() },
      async handler(ctx, args) {
        return decisionReply(await ctx.services.suggestions.dismiss(ctx.user.id, args.id, ctx.now));
      },
    }),
  },
});
