import { defineCommand, sub } from '../src/core/spec.js';
import { opt } from '../src/core/options.js';
import { ValidationError } from '../src/core/errors.js';
import { tagMessages } from '../src/modules/tag/tag.messages.js';
import { questCard } from '../src/modules/quest/quest.presenter.js';
import { tagChip, tagCreatedReply, tagListReply } from '../src/modules/tag/tag.presenter.js';
import { color, questRef, splitTags, tagList } from './options.js';

const tagName = (description: string) => opt.text({ description, required: true, max: 50 });

/** One tag name, written as `tags:` lists write it (a leading `#` is dropped; no commas). */
function singleTag(value: string, field: string): string {
  const names = splitTags(value, field);
  if (names.length !== 1) throw new ValidationError(tagMessages.one_name({ field }), { field });
  return names[0]!;
}

export default defineCommand({
  name: 'tag',
  description: 'Label quests with tags',
  subcommands: {
    create: sub({
      description: 'Create a tag',
      examples: ['/tag create work color:#22C55E'],
      options: { name: tagName('Tag name'), color: color() },
      async handler(ctx, args) {
        return tagCreatedReply(await ctx.services.tags.createTag(ctx.user.id, singleTag(args.name, 'name'), args.color));
      },
    }),
    delete: sub({
      description: 'Delete a tag and take it off every quest',
      options: { name: { ...tagName('Tag to delete'), autocomplete: true, suggest: 'tag' as const } },
      async handler(ctx, args) {
        const tag = await ctx.services.tags.deleteTag(ctx.user.id, singleTag(args.name, 'name'));
        const from = tag.quests ? `, and took it off ${tag.quests} quest${tag.quests === 1 ? '' : 's'}` : '';
        return { title: '🏷️ Tag deleted', text: `Deleted ${tagChip(tag.name)}${from}.`, tone: 'success' };
      },
    }),
    list: sub({
      description: 'List your tags with how many quests carry each',
      options: {},
      async handler(ctx) {
        return tagListReply(await ctx.services.tags.listTags(ctx.user.id));
      },
    }),
    add: sub({
      description: 'Tag a quest (new tags are created on the fly)',
      examples: ['/tag add #12 work,urgent'],
      options: { quest: questRef(), tags: tagList(true) },
      async handler(ctx, args) {
        const names = splitTags(args.tags);
        if (!names.length) throw new ValidationError(tagMessages.none_given(), { field: 'tags' });
        const result = await ctx.services.tags.tagQuest(ctx.user.id, args.quest, names);
        const created = result.created.length ? ` (new: ${result.created.map(tagChip).join(' ')})` : '';
        const heading = result.added.length
          ? `🏷️ Tagged with ${result.added.map(tagChip).join(' ')}${created}.`
          : `🏷️ Already tagged ${names.map(tagChip).join(' ')}.`;
        return questCard(result.quest, heading);
      },
    }),
    remove: sub({
      description: 'Take a tag off a quest',
      options: { quest: questRef(), tag: { ...tagName('Tag to take off'), autocomplete: true, suggest: 'tag' as const } },
      async handler(ctx, args) {
        const result = await ctx.services.tags.untagQuest(ctx.user.id, args.quest, singleTag(args.tag, 'tag'));
        return questCard(result.quest, `🏷️ Took ${tagChip(result.name)} off.`);
      },
    }),
  },
});
