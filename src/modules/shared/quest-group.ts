import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors.js';
import { categoryMessages } from '../category/category.messages.js';
import { projectMessages } from '../project/project.messages.js';
import { QuestGroupRepository, type GroupChanges, type GroupLabel, type QuestGroup } from './quest-group.repository.js';

export type { GroupChanges, QuestGroup } from './quest-group.repository.js';

const MESSAGES = { category: categoryMessages, project: projectMessages } as const;

/**
 * Categories and projects are both named groups of a user's quests, with a
 * colour and a description, unique per user ignoring case. This store holds
 * the verbs they share; the services add what differs (projects archive).
 */
export class QuestGroupStore {
  private readonly groups: QuestGroupRepository;
  private readonly messages: (typeof MESSAGES)[GroupLabel];

  constructor(
    em: EntityManager,
    private readonly label: GroupLabel,
  ) {
    this.groups = new QuestGroupRepository(em, label);
    this.messages = MESSAGES[label];
  }

  async create(userId: string, input: GroupChanges & { name: string }): Promise<QuestGroup> {
    const { label } = this;
    return this.groups.transactional(async (groups) => {
      const id = await groups.createIfNew(userId, input);
      if (!id) {
        const existing = await groups.findId(userId, input.name);
        const name = (existing && (await groups.get(userId, existing))?.name) ?? input.name;
        throw new ConflictError(this.messages.exists({ name }));
      }
      await groups.logAction({ userId, actionType: `${label}_created`, actionData: { id, name: input.name } });
      return (await groups.get(userId, id))!;
    });
  }

  async list(userId: string, options: { includeArchived?: boolean } = {}): Promise<QuestGroup[]> {
    return this.groups.list(userId, options.includeArchived ?? false);
  }

  async find(userId: string, name: string): Promise<QuestGroup> {
    return (await this.groups.get(userId, await this.idOf(this.groups, userId, name)))!;
  }

  /** Applies the given changes; a new name must not belong to another of the user's groups. */
  async update(userId: string, name: string, changes: GroupChanges): Promise<{ before: QuestGroup; after: QuestGroup }> {
    const { label } = this;
    const set = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) as GroupChanges;
    if (!Object.keys(set).length) throw new ValidationError(this.messages.nothing_to_change());
    try {
      return await this.groups.transactional(async (groups) => {
        const before = (await groups.get(userId, await this.idOf(groups, userId, name)))!;
        await groups.update(userId, before.id, set);
        await groups.logAction({ userId, actionType: `${label}_updated`, actionData: { id: before.id, changes: set } });
        return { before, after: (await groups.get(userId, before.id))! };
      });
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) throw new ConflictError(this.messages.name_taken({ name: changes.name ?? name }));
      throw error;
    }
  }

  /** Deletes the group; its quests stay, without it. Returns the group as it was. */
  async delete(userId: string, name: string): Promise<QuestGroup> {
    const { label } = this;
    return this.groups.transactional(async (groups) => {
      const group = (await groups.get(userId, await this.idOf(groups, userId, name)))!;
      // The foreign key would clear the quests too; doing it here counts them exactly.
      const quests = await groups.clearFromQuests(userId, group.id);
      await groups.delete(userId, group.id);
      await groups.logAction({ userId, actionType: `${label}_deleted`, actionData: { id: group.id, name: group.name, quests } });
      return { ...group, quests };
    });
  }

  /** Archives or restores a project (refused when it already is in that state). */
  async setArchived(userId: string, name: string, archived: boolean): Promise<QuestGroup> {
    return this.groups.transactional(async (groups) => {
      const id = await this.idOf(groups, userId, name);
      if (!(await groups.setArchived(userId, id, archived))) {
        const current = (await groups.get(userId, id))!;
        throw new ConflictError(archived ? projectMessages.already_archived({ name: current.name }) : projectMessages.not_archived({ name: current.name }));
      }
      const group = (await groups.get(userId, id))!;
      await groups.logAction({ userId, actionType: archived ? 'project_archived' : 'project_unarchived', actionData: { id, name: group.name } });
      return group;
    });
  }

  private async idOf(groups: QuestGroupRepository, userId: string, name: string): Promise<string> {
    const id = await groups.findId(userId, name.trim());
    if (!id) throw new NotFoundError(this.messages.not_found({ name: name.trim() }));
    return id;
  }
}
