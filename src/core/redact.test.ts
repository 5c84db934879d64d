import { describe, expect, it } from 'vitest';
import { redactSecrets, safeError, sqlKind, sqlShape } from './redact.js';

describe('redactSecrets', () => {
  it.each([
    ['postgresql://bob:hunter2@db.internal:5432/questlog', 'postgresql://bob:***@db.internal:5432/questlog'],
    ['redis://:s3cret@cache:6379', 'redis://:***@cache:6379'],
    ['https://user:p@ss@llm.example/v1', 'https://user:***@llm.example/v1'],
    ['rediss://token@cache', 'rediss://***@cache'],
    ["insert ... values ('xoxb-1234-5678-abcdef')", "insert ... values ('xoxb-***')"],
    ['Authorization: Bearer abcdefghijklmnop', 'Authorization: Bearer ***'],
    ['key sk-abcdefghijklmnop', 'key sk-***'],
    ['no secrets here: https://example.com/path', 'no secrets here: https://example.com/path'],
  ])('%s', (input, output) => {
    expect(redactSecrets(input)).toBe(output);
  });
});

describe('sqlShape', () => {
  it('keeps tables and columns, drops literals, numbers and parameters', () => {
    expect(
      sqlShape(`insert into "quests" ("title", "user_id", "xp") values ('Secret plan', 'c0ffee00-1111', 65), ('It''s mine', 'x', 10) returning "id"`),
    ).toBe('insert into "quests" ("title", "user_id", "xp") values (?) returning "id"');
    expect(sqlShape('select * from "users" where "id" = $1 and "n" in ($2, $3)')).toBe('select * from "users" where "id" = ? and "n" in (?)');
  });

  it.each([
    ['select 1', 'select'],
    ['  INSERT into x', 'insert'],
    ['with a as (select 1) update x set y = 1', 'write_cte'],
    ['BEGIN;', 'begin'],
    ['vacuum', 'other'],
  ])('kind of %s is %s', (sql, kind) => {
    expect(sqlKind(sql)).toBe(kind);
  });
});

describe('safeError', () => {
  it('reduces a driver error to class, code, statement shape and the server sentence', () => {
    const error = Object.assign(
      new Error(
        `insert into "slack_installations" ("bot_token") values ('xoxb-1-2-secret') - column "bot_token" of relation "slack_installations" does not exist`,
      ),
      {
        code: '42703',
        routine: 'checkInsertTargets',
        severity: 'ERROR',
      },
    );
    const safe = safeError(error);
    expect(safe).toMatchObject({ code: '42703', statement: 'insert into "slack_installations" ("bot_token") values (?)' });
    expect(JSON.stringify(safe)).not.toContain('secret');
  });

  it('drops the detail line MikroORM appends (the failing row)', () => {
    const error = Object.assign(
      new Error(
        `insert into "quests" ("title") values ('Secret plan') - new row violates check constraint "c"\n - detail: Failing row contains (1, Secret plan).`,
      ),
      {
        code: '23514',
        routine: 'ExecConstraints',
      },
    );
    expect(safeError(error)).toMatchObject({ message: 'new row violates check constraint "c"', statement: 'insert into "quests" ("title") values (?)' });
  });

  it('hides values PostgreSQL quotes in its own message', () => {
    const error = Object.assign(new Error('select 1 - invalid input syntax for type uuid: "Secret plan"'), { code: '22P02', routine: 'string_to_uuid' });
    expect(JSON.stringify(safeError(error))).not.toContain('Secret plan');
  });

  it('redacts URL credentials in ordinary errors and keeps causes', () => {
    const error = new Error('connect to redis://:pw@cache failed', { cause: new Error('postgres://u:pw2@db refused') });
    const safe = safeError(error);
    expect(safe.message).toBe('connect to redis://:***@cache failed');
    expect(safe.cause?.message).toBe('postgres://u:***@db refused');
  });
});
