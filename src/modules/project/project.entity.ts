import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { createdAt, updatedAt, uuidPk } from '../columns.js';
import { User } from '../user/user.entity.js';

export const Project = defineEntity({
  name: 'Project',
  tableName: 'projects',
  properties: {
    id: uuidPk(),
    userId: p.manyToOne(User).mapToPk().fieldName('user_id').deleteRule('cascade'),
    name: p.string().length(100),
    description: p.text().nullable(),
    color: p.string().length(7).default('#8B5CF6'),
    archived: p.boolean().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  indexes: [
    { name: 'idx_projects_user_id', properties: ['userId'] },
    {
      name: 'projects_user_name_unique',
      expression: 'create unique index "projects_user_name_unique" on "projects" ("user_id", lower("name"))',
    },
  ],
  checks: [{ name: 'projects_color_check', expression: "color ~ '^#[0-9A-Fa-f]{6}$'" }],
});
export type IProject = InferEntity<typeof Project>;
