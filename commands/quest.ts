import { defineCommand, sub } from '../src/core/spec.js';
import { opt } from '../src/core/options.js';
import type { Difficulty, Priority, QuestStatus } from '../src/modules/columns.js';
import { questCard, questListReply } from '../src/modules/quest/quest.presenter.js';
import { difficulty, estimate, priority, questRef, questTitle, splitTags, tagList } from './options.js';

const upper = <T extends string>(value: string | undefined) => value?.toUpperCase() as T | undefined;

export default defineCommand({
  name: 'quest',
  description: 'Create, list and finish quests',
  subcommands: {
    create: sub({
      description: 'Create a quest',
      examples: ['/quest create "Write the report" difficulty:hard estimate:1h30m tags:work'],
      options: {
        title: questTitle(),
        description: opt.text({ description: 'Longer description', max: 2000 }),
        difficulty: { ...difficulty(), default: 'medium' },
        priority: { ...priority(), default: 'medium' },
        estimate: { ...estimate(), default: 30 },
        category: opt.text({ description: 'Category name', max: 100, autocomplete: false }),
        project: opt.text({ description: 'Project name', max: 100 }),
        tags: tagList(),
        status: opt.choice({ description: 'Start as active or as a draft', choices: ['active', 'draft'], default: 'active' }),
      },
      async handler(ctx, args) {
        const quest = await ctx.services.quests.createQuest(ctx.user.id, {
          title: args.title,
          description: args.description,
          difficulty: upper<Difficulty>(args.difficulty)!,
          priority: upper<Priority>(args.priority)!,
          estimatedDuration: args.estimate!,
          category: args.category,
          project: args.project,
          tags: splitTags(args.tags),
          status: upper<'ACTIVE' | 'DRAFT'>(args.status),
        });
        return questCard(quest, `✨ Quest created: worth **${quest.experiencePoints} XP**.`);
      },
    }),
    list: sub({
      description: 'List your quests, by priority then age',
      options: {
        status: opt.choice({
          description: 'Which quests',
          choices: ['open', 'draft', 'active', 'in_progress', 'completed', 'archived', 'all'],
          default: 'open',
        }),
        category: opt.text({ description: 'Only this category', max: 100 }),
        project: opt.text({ description: 'Only this project', max: 100 }),
        tag: opt.text({ description: 'Only quests with this tag', max: 50 }),
        priority: priority(),
        page: opt.integer({ description: 'Page number', min: 1, max: 10_000, default: 1 }),
      },
      async handler(ctx, args) {
        const status = args.status === 'open' || args.status === 'all' ? args.status : upper<QuestStatus>(args.status);
        const page = await ctx.services.quests.listQuests(ctx.user.id, {
          status,
          category: args.category,
          project: args.project,
          tag: args.tag,
          priority: upper<Priority>(args.priority),
          page: args.page,
        });
        const filters = { status: args.status === 'open' ? undefined : args.status, category: args.category, project: args.project, tag: args.tag, priority: args.priority };
        const heading = args.status === 'open' ? 'Your open quests' : `Your quests (${args.status!.replace('_', ' ')})`;
        return questListReply(page, filters, heading);
      },
    }),
    view: sub({
      description: 'Show one quest with its steps',
      options: { quest: questRef() },
      async handler(ctx, args) {
        return questCard(await ctx.services.quests.viewQuest(ctx.user.id, args.quest));
      },
    }),
  },
});
