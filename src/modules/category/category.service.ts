import type { EntityManager } from '@mikro-orm/postgresql';
import { QuestGroupStore, type GroupChanges, type QuestGroup } from '../shared/quest-group.js';

/** Category verbs; names are unique per user ignoring case, other users' categories are "not found". */
export class CategoryService {
  private readonly groups: QuestGroupStore;

  constructor(em: EntityManager) {
    this.groups = new QuestGroupStore(em, 'category');
  }

  async createCategory(userId: string, input: GroupChanges & { name: string }): Promise<QuestGroup> {
    return this.groups.create(userId, input);
  }

  async listCategories(userId: string): Promise<QuestGroup[]> {
    return this.groups.list(userId);
  }

  async editCategory(userId: string, name: string, changes: GroupChanges): Promise<{ before: QuestGroup; after: QuestGroup }> {
    return this.groups.update(userId, name, changes);
  }

  /** Deletes the category; its quests stay, uncategorised (`quests` tells how many). */
  async deleteCategory(userId: string, name: string): Promise<QuestGroup> {
    return this.groups.delete(userId, name);
  }
}
