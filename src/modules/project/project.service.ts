import type { EntityManager } from '@mikro-orm/postgresql';
import { ConflictError, plain } from '../../core/errors.js';
import { escapeMarkdown as md } from '../../core/markdown.js';
import { logBehavior } from '../analytics/behavior-log.service.js';
import { findOwnedByName } from '../quest/quest.service.js';
import { QuestGroupStore, type GroupChanges, type QuestGroup } from '../shared/quest-group.js';

/** Project verbs; like categories, plus archiving. Other users' projects are "not found". */
export class ProjectService {
  private readonly groups: QuestGroupStore;

  constructor(private readonly em: EntityManager) {
    this.groups = new QuestGroupStore(em, { table: 'projects', label: 'project', column: 'project_id', archivable: true });
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
    await this.em.transactional(async (tx) => {
      const id = await findOwnedByName(tx, 'projects', userId, name, 'project');
      const [row] = await tx.execute<{ name: string }[]>('update projects set archived = ? where id = ? and user_id = ? and archived <> ? returning name', [
        archived,
        id,
        userId,
        archived,
      ]);
      if (!row) {
        const [current] = await tx.execute<{ name: string }[]>('select name from projects where id = ?', [id]);
        throw new ConflictError(plain(`Project "${md(current!.name)}" is ${archived ? 'already archived' : 'not archived'}.`));
      }
      await logBehavior(tx, userId, archived ? 'project_archived' : 'project_unarchived', { id, name: row.name });
    });
    return this.groups.find(userId, name);
  }

  /** Deletes the project; its quests stay, without a project (`quests` tells how many). */
  async deleteProject(userId: string, name: string): Promise<QuestGroup> {
    return this.groups.delete(userId, name);
  }
}
