import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { createdAt, updatedAt, uuidPk } from '../columns.js';
import { User } from '../user/user.entity.js';

export const Category = defineEntity({
  name: 'Category',
  tableName: 'quest_categories',
  properties: {
    id: uuidPk(),
    name: p.string().length(100),
    description: p.text().nullable(),
    color: p.string().length(7).default('#3B82F6'),
    userId: p.manyToOne(User).mapToPk().fieldName('user_id').deleteRule('cascade'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  indexes: [
    { name: 'idx_quest_categories_user_id', properties: ['userId'] },
    {
      name: 'quest_categories_user_name_unique',
      expression: 'create unique index "quest_categories_user_name_unique" on "quest_categories" ("user_id", lower("name"))',
    },
  ],
  checks: [{ name: 'quest_categories_color_check', expression: "color ~ '^#[0-9A-Fa-f]{6}$'" }],
});
export type ICategory = InferEntity<typeof Category>;
