import { defineCommand, sub } from '../src/core/spec.js';
import { opt } from '../src/core/options.js';
import { quoteArg } from '../src/core/grammar.js';
import { escapeMarkdown as md } from '../src/core/markdown.js';
import { groupCard, groupListReply } from '../src/modules/shared/quest-group.presenter.js';
import { color } from './options.js';

const projectName = <R extends boolean = false>(description: string, required?: R) => opt.text({ description, required: required as R, max: 100 });
/** An existing project: suggested from the user's own. */
const existingProject = (description: string) => opt.text({ description, required: true, max: 100, suggest: 'project' });
const description = () => opt.text({ description: 'What the project is about', max: 1000 });

export default defineCommand({
  name: 'project',
  description: 'Gather quests into projects',
  subcommands: {
    create: sub({
      description: 'Create a project',
      examples: ['/project create "Website relaunch" description:"Q3 launch" color:#8B5CF6'],
      options: { name: projectName('Project name', true), description: description(), color: color() },
      async handler(ctx, args) {
        const project = await ctx.services.projects.createProject(ctx.user.id, args);
        return groupCard('project', project, `✨ Project created. Add quests with \`/quest create "…" project:${quoteArg(project.name)}\`.`);
      },
    }),
    list: sub({
      description: 'List your projects with their quest counts',
      options: { archived: opt.boolean({ description: 'Include archived projects', default: false }) },
      async handler(ctx, args) {
        const projects = await ctx.services.projects.listProjects(ctx.user.id, args.archived);
        return groupListReply('project', projects, args.archived ? 'Your projects, archived included' : 'Your projects');
      },
    }),
    edit: sub({
      description: 'Rename a project or change its description or colour',
      examples: ['/project edit "Website relaunch" name:Website'],
      options: { project: existingProject('Project to change'), name: projectName('New name'), description: description(), color: color() },
      async handler(ctx, args) {
        const { project, ...changes } = args;
        const { before, after } = await ctx.services.projects.editProject(ctx.user.id, project, changes);
        return groupCard('project', after, before.name === after.name ? '✏️ Project updated.' : `✏️ Project renamed from **${md(before.name)}**.`);
      },
    }),
    archive: sub({
      description: 'Archive a project (its quests are kept)',
      options: { project: existingProject('Project to archive') },
      async handler(ctx, args) {
        return groupCard('project', await ctx.services.projects.archiveProject(ctx.user.id, args.project), '📦 Project archived.');
      },
    }),
    unarchive: sub({
      description: 'Bring an archived project back',
      options: { project: existingProject('Project to bring back') },
      async handler(ctx, args) {
        return groupCard('project', await ctx.services.projects.archiveProject(ctx.user.id, args.project, false), '📂 Project restored.');
      },
    }),
    delete: sub({
      description: 'Delete a project (its quests stay, without a project)',
      options: { project: existingProject('Project to delete') },
      async handler(ctx, args) {
        const project = await ctx.services.projects.deleteProject(ctx.user.id, args.project);
        const quests = project.quests ? `${project.quests} quest${project.quests === 1 ? ' is' : 's are'} now without a project.` : 'It held no quests.';
        return { title: `📁 Project deleted: ${project.name}`, text: quests, tone: 'success' };
      },
    }),
  },
});
