import type { EntityManager } from '@mikro-orm/postgresql';
import { QuestGroupStore, type GroupChanges, type QuestGroup } from '../shared/quest-group.js';

/** Project verbs; like categories, plus archiving. Other users' projects are "not found". */
export class ProjectService {
  private readonly groups: QuestGroupStore;

  constructor(em: EntityManager) {
    this.groups = new QuestGroupStore(em, 'project');
  }

  async createProject(userId: string, input: GroupChanges & { name: string }): Promise<QuestGroup> {
    return this.groups.create(userId, input);
  }

  /** Active projects, or every project (archived ones last) with `includeArchived`. */
  async listProjects(userId: string, includeArchived = false): Promise<QuestGroup[]> {
    return this.groups.list(userId, { includeArchived });
  }

  async editProject(userId: string, name: string, changes: GroupChanges): Promise<{ before: QuestGroup; after: QuestGroup }> {
    return this.groups.update(userId, name, changes);
  }

  /** Archives (or with `archived = false` restores) a project; its quests are untouched. */
  async archiveProject(userId: string, name: string, archived = true): Promise<QuestGroup> {
    return this.groups.setArchived(userId, name, archived);
  }

  /** Deletes the project; its quests stay, without a project (`quests` tells how many). */
  async deleteProject(userId: string, name: string): Promise<QuestGroup> {
    return this.groups.delete(userId, name);
  }
}
