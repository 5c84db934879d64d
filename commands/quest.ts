import { defineCommand, sub } from '../src/core/spec.js';
import { opt } from '../src/core/options.js';
import type { Difficulty, Priority, QuestStatus } from '../src/modules/columns.js';
import { dependencyReply, dueEcho, editedReply, questCard, questListReply, repeatControlReply } from '../src/modules/quest/quest.presenter.js';
import type { RepeatAction } from '../src/modules/quest/recurrence.service.js';
import { difficulty, estimate, priority, questRef, questRefs, questTitle, splitTags, tagList } from './options.js';
import { formatDuration } from '../src/core/options.js';
import { archiveOutcomesReply, bulkDeletePrompt, completeOutcomesReply, deleteOutcomesReply } from '../src/modules/quest/bulk.presenter.js';
import { undoReply } from '../src/modules/progression/progression.presenter.js';
import { suggestionReply } from '../src/modules/suggestion/suggestion.presenter.js';
import { DUE_FILTERS } from '../src/modules/quest/due.rules.js';
import { searchReply } from '../src/modules/search/search.presenter.js';

/** `due:` in plain words, read in the user's time zone and day. */
const dueOption = () => opt.text({ description: 'When it is due, in plain words: tomorrow 5pm, fri, in 3 days, end of month; none clears it', max: 100 });

/** `repeat:` as a rule in words, read in the user's time zone. */
const repeatOption = (clears = false) =>
  opt.text({
    description: `Repeat it: daily, weekdays, weekly mon,thu, monthly 15, monthly last, every 3 days${clears ? '; none stops it' : ''}`,
    max: 100,
  });

const upper = <T extends string>(value: string | undefined) => value?.toUpperCase() as T | undefined;
/** `none` clears an optional value in `edit`. */
const clearable = (value: string | undefined) => (value === undefined ? undefined : /^none$/i.test(value) ? null : value);

export default defineCommand({
  name: 'quest',
  description: 'Create, list and finish quests',
  subcommands: {
    create: sub({
      description: 'Create a quest (or describe it in one sentence with text:)',
      examples: [
        '/quest create "Write the report" difficulty:hard estimate:1h30m tags:work',
        '/quest create "Send the invoice" due:"tomorrow 5pm"',
        '/quest create "Stand-up notes" due:"tomorrow 9am" repeat:weekdays',
        '/quest create text:"call the dentist tomorrow morning, high priority, 15m"',
      ],
      // A sentence goes to the AI suggester first: acknowledge before that.
      slow: (args) => Boolean(args.text && !args.title),
      options: {
        title: { ...questTitle(), requiredUnless: 'text', description: 'Quest title (or give text: instead)' },
        description: opt.text({ description: 'Longer description', max: 2000 }),
        difficulty: { ...difficulty(), default: 'medium' },
        priority: { ...priority(), default: 'medium' },
        estimate: { ...estimate(), default: 30 },
        category: opt.text({ description: 'Category name', max: 100, suggest: 'category' }),
        project: opt.text({ description: 'Project name', max: 100, suggest: 'project' }),
        tags: tagList(),
        status: opt.choice({ description: 'Start as active or as a draft', choices: ['active', 'draft'], default: 'active' }),
        due: dueOption(),
        repeat: repeatOption(),
        text: opt.text({ description: 'Or one sentence: "call the dentist tomorrow 9am, high priority, 15m" (confirmed first)', max: 500 }),
      },
      async handler(ctx, args) {
        // Dispatch lets `title` be left out only when `text` is given.
        if (!args.title) return suggestionReply(await ctx.services.suggestions.parseQuest(ctx.user.id, args.text!, ctx.now));
        const dueAt = await ctx.services.due.read(ctx.user.id, args.due, ctx.now);
        const repeat = await ctx.services.recurrence.read(ctx.user.id, args.repeat, ctx.now);
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
          dueAt: dueAt ?? undefined,
          repeat: repeat ?? undefined,
        });
        const time = quest.dueAt ? await ctx.services.due.cardTime(ctx.user.id, ctx.now) : undefined;
        const due = quest.dueAt ? `\n${dueEcho(quest.dueAt, time!)}` : '';
        return questCard(quest, `✨ Quest created: worth **${quest.experiencePoints} XP**.${due}`, time);
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
        category: opt.text({ description: 'Only this category', max: 100, suggest: 'category' }),
        project: opt.text({ description: 'Only this project', max: 100, suggest: 'project' }),
        tag: opt.text({ description: 'Only quests with this tag', max: 50, suggest: 'tag' }),
        priority: priority(),
        due: opt.choice({ description: 'Only quests due today, this week, overdue ones, or those without a due date', choices: DUE_FILTERS }),
        search: opt.text({ description: 'Only quests with these words in title, description or steps', max: 200 }),
        page: opt.integer({ description: 'Page number', min: 1, max: 10_000, default: 1 }),
      },
      async handler(ctx, args) {
        const status = args.status === 'open' || args.status === 'all' ? args.status : upper<QuestStatus>(args.status);
        const due = args.due ? await ctx.services.due.window(ctx.user.id, args.due, ctx.now) : undefined;
        const page = await ctx.services.quests.listQuests(ctx.user.id, {
          status,
          category: args.category,
          project: args.project,
          tag: args.tag,
          priority: upper<Priority>(args.priority),
          page: args.page,
          due,
          search: args.search,
          now: ctx.now,
        });
        const filters = {
          status: args.status === 'open' ? undefined : args.status,
          category: args.category,
          project: args.project,
          tag: args.tag,
          priority: args.priority,
          due: args.due,
          search: args.search,
        };
        const heading = args.status === 'open' ? 'Your open quests' : `Your quests (${args.status!.replace('_', ' ')})`;
        // Nothing open: say so rather than "no quests yet" when finished or archived ones exist.
        const unfiltered = !Object.values(filters).some(Boolean);
        const hasQuests = !page.total && unfiltered ? (await ctx.services.quests.listQuests(ctx.user.id, { status: 'all', page: 1 })).total > 0 : undefined;
        return questListReply(page, filters, heading, ctx.now, hasQuests);
      },
    }),
    view: sub({
      description: 'Show one quest with its steps',
      options: { quest: questRef() },
      async handler(ctx, args) {
        const quest = await ctx.services.quests.viewQuest(ctx.user.id, args.quest);
        return questCard(quest, undefined, quest.dueAt ? await ctx.services.due.cardTime(ctx.user.id, ctx.now) : undefined);
      },
    }),
    search: sub({
      description: 'Find quests of every status by words in their title, description or steps',
      examples: ['/quest search invoice', '/quest search annual report -draft'],
      options: { words: opt.text({ description: 'Words to look for; "quoted phrase", -exclude, or', max: 200, required: true }) },
      async handler(ctx, args) {
        return searchReply(args.words, await ctx.services.search.search(ctx.user.id, args.words));
      },
    }),
    edit: sub({
      description: 'Change a quest: any of its fields, or its status',
      examples: [
        '/quest edit #12 title:"Write the final report" estimate:2h',
        '/quest edit #12 category:none priority:high',
        '/quest edit #12 due:fri',
        '/quest edit #12 repeat:"weekly mon,thu"',
      ],
      options: {
        quest: questRef(),
        title: { ...questTitle(), required: false as const, description: 'New title' },
        description: opt.text({ description: 'New description; none clears it', max: 2000 }),
        difficulty: difficulty(),
        priority: priority(),
        estimate: estimate(),
        category: opt.text({ description: 'Category name; none clears it', max: 100, suggest: 'category' }),
        project: opt.text({ description: 'Project name; none clears it', max: 100, suggest: 'project' }),
        status: opt.choice({ description: 'Move it; finish with /quest complete', choices: ['active', 'in_progress', 'archived'] }),
        due: dueOption(),
        repeat: repeatOption(true),
      },
      async handler(ctx, args) {
        const dueAt = await ctx.services.due.read(ctx.user.id, args.due, ctx.now);
        const repeat = await ctx.services.recurrence.read(ctx.user.id, args.repeat, ctx.now);
        const result = await ctx.services.quests.editQuest(
          ctx.user.id,
          args.quest,
          {
            title: args.title,
            description: clearable(args.description),
            difficulty: upper<Difficulty>(args.difficulty),
            priority: upper<Priority>(args.priority),
            estimatedDuration: args.estimate,
            category: clearable(args.category),
            project: clearable(args.project),
            status: upper<'ACTIVE' | 'IN_PROGRESS' | 'ARCHIVED'>(args.status),
            dueAt,
            repeat,
          },
          ctx.now,
        );
        const timed = result.quest.dueAt || result.changes.includes('due');
        return editedReply(result, timed ? await ctx.services.due.cardTime(ctx.user.id, ctx.now) : undefined);
      },
    }),
    start: sub({
      description: 'Start working on a quest',
      options: { quest: questRef() },
      async handler(ctx, args) {
        const quest = await ctx.services.quests.startQuest(ctx.user.id, args.quest, ctx.now);
        return questCard(quest, '⏱️ Started. Time spent counts from now; good luck!');
      },
    }),
    complete: sub({
      description: 'Finish one or several quests and collect their XP',
      examples: [
        '/quest complete #12',
        '/quest complete 12 13 14',
        '/quest complete #12 minutes:1h15m difficulty_rating:4 satisfaction:5',
        '/quest complete #12 force:yes',
      ],
      options: {
        quest: questRefs(),
        minutes: opt.duration({ description: 'Time it took, e.g. 45m; by default the time since you started it', min: 1, max: 1440, named: true }),
        difficulty_rating: opt.integer({ description: 'How hard it felt, 1 to 5', min: 1, max: 5, named: true }),
        satisfaction: opt.integer({ description: 'How satisfying it was, 1 to 5', min: 1, max: 5, named: true }),
        force: opt.boolean({ description: 'yes completes even with unticked steps', named: true }),
      },
      async handler(ctx, args) {
        const input = { minutes: args.minutes, difficultyRating: args.difficulty_rating, satisfaction: args.satisfaction };
        const outcomes = await ctx.services.bulk.complete(ctx.user.id, args.quest, input, args.force ?? false, ctx.now);
        const extra = [
          args.minutes ? ` minutes:${formatDuration(args.minutes)}` : '',
          args.difficulty_rating ? ` difficulty_rating:${args.difficulty_rating}` : '',
          args.satisfaction ? ` satisfaction:${args.satisfaction}` : '',
        ].join('');
        return completeOutcomesReply(outcomes, extra);
      },
    }),
    repeat: sub({
      description: 'Pause, resume or stop a recurring quest',
      examples: ['/quest repeat #12 pause', '/quest repeat #12 resume', '/quest repeat #12 stop'],
      options: {
        quest: questRef(),
        action: opt.choice({
          description: 'pause, resume or stop (stop keeps the open one as a plain quest)',
          choices: ['pause', 'resume', 'stop'],
          required: true,
        }),
      },
      async handler(ctx, args) {
        const result = await ctx.services.recurrence.control(ctx.services.quests, ctx.user.id, args.quest, args.action as RepeatAction, ctx.now);
        return repeatControlReply(result, await ctx.services.due.cardTime(ctx.user.id, ctx.now));
      },
    }),
    undo: sub({
      description: 'Reopen a quest completed in the last 24 hours, taking back its XP',
      examples: ['/quest undo #12'],
      options: { quest: questRef() },
      async handler(ctx, args) {
        return undoReply(await ctx.services.progression.undoCompletion(ctx.user.id, args.quest, ctx.now));
      },
    }),
    archive: sub({
      description: 'Put one or several quests away without deleting them',
      examples: ['/quest archive #12', '/quest archive 12 13 14'],
      options: { quest: questRefs() },
      async handler(ctx, args) {
        return archiveOutcomesReply(await ctx.services.bulk.archive(ctx.user.id, args.quest, ctx.now));
      },
    }),
    unarchive: sub({
      description: 'Bring an archived quest back',
      options: { quest: questRef() },
      async handler(ctx, args) {
        const quest = await ctx.services.quests.unarchiveQuest(ctx.user.id, args.quest, ctx.now);
        return questCard(quest, quest.status === 'COMPLETED' ? 'Back from the archive, still completed.' : 'Back from the archive and active again.');
      },
    }),
    delete: sub({
      description: 'Delete one or several quests for good (asks first)',
      examples: ['/quest delete #12', '/quest delete #12,#13', '/quest delete #12 confirm:yes'],
      options: {
        quest: questRefs(),
        confirm: opt.boolean({ description: 'yes deletes without asking', named: true }),
      },
      async handler(ctx, args) {
        if (!args.confirm) return bulkDeletePrompt(await ctx.services.bulk.preview(ctx.user.id, args.quest));
        return deleteOutcomesReply(await ctx.services.bulk.delete(ctx.user.id, args.quest));
      },
    }),
    depend: sub({
      description: 'Make a quest wait for another one',
      examples: ['/quest depend #12 on:#9', '/quest depend "Paint the walls" on:"Buy paint" type:resource'],
      options: {
        quest: questRef('The quest that waits'),
        on: questRef('The quest it waits for'),
        type: opt.choice({
          description: 'sequential blocks starting and completing; resource and time are notes',
          choices: ['sequential', 'resource', 'time'],
          default: 'sequential',
        }),
      },
      async handler(ctx, args) {
        return dependencyReply(await ctx.services.quests.addDependency(ctx.user.id, args.quest, args.on, args.type!));
      },
    }),
    undepend: sub({
      description: 'Stop a quest waiting for another one',
      options: { quest: questRef('The quest that waits'), on: questRef('The quest it waits for') },
      async handler(ctx, args) {
        return dependencyReply(await ctx.services.quests.removeDependency(ctx.user.id, args.quest, args.on));
      },
    }),
  },
});
