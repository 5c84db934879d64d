import { defineCommand, sub } from '../src/core/spec.js';
import { opt } from '../src/core/options.js';
import { quoteArg } from '../src/core/grammar.js';
import { escapeMarkdown as md } from '../src/core/markdown.js';
import { groupCard, groupListReply } from '../src/modules/shared/quest-group.presenter.js';
import { color } from './options.js';

const categoryName = <R extends boolean = false>(description: string, required?: R) => opt.text({ description, required: required as R, max: 100 });
/** An existing category: suggested from the user's own. */
const existingCategory = (description: string) => opt.text({ description, required: true, max: 100, suggest: 'category' });
const description = () => opt.text({ description: 'What belongs in it', max: 1000 });

export default defineCommand({
  name: 'category',
  description: 'Group quests into categories',
  subcommands: {
    create: sub({
      description: 'Create a category',
      examples: ['/category create Work color:#3B82F6 description:"Day job"'],
      options: { name: categoryName('Category name', true), color: color(), description: description() },
      async handler(ctx, args) {
        const category = await ctx.services.categories.createCategory(ctx.user.id, args);
        return groupCard('category', category, `✨ Category created. Use it with \`/quest create "…" category:${quoteArg(category.name)}\`.`);
      },
    }),
    list: sub({
      description: 'List your categories with their quest counts',
      options: {},
      async handler(ctx) {
        return groupListReply('category', await ctx.services.categories.listCategories(ctx.user.id), 'Your categories');
      },
    }),
    edit: sub({
      description: 'Rename a category or change its colour or description',
      examples: ['/category edit Work name:Job color:#0EA5E9'],
      options: { category: existingCategory('Category to change'), name: categoryName('New name'), color: color(), description: description() },
      async handler(ctx, args) {
        const { category, ...changes } = args;
        const { before, after } = await ctx.services.categories.editCategory(ctx.user.id, category, changes);
        return groupCard('category', after, before.name === after.name ? '✏️ Category updated.' : `✏️ Category renamed from **${md(before.name)}**.`);
      },
    }),
    delete: sub({
      description: 'Delete a category (its quests stay, uncategorised)',
      options: { category: existingCategory('Category to delete') },
      async handler(ctx, args) {
        const category = await ctx.services.categories.deleteCategory(ctx.user.id, args.category);
        const quests = category.quests ? `${category.quests} quest${category.quests === 1 ? ' is' : 's are'} now uncategorised.` : 'It held no quests.';
        return { title: `📂 Category deleted: ${category.name}`, text: quests, tone: 'success' };
      },
    }),
  },
});
