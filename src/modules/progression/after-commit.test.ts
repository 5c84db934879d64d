import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../testing/test-app.js';
import { afterCommit } from './after-commit.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

describe('afterCommit', () => {
  it('runs once the transaction has committed, not before', async () => {
    const calls: string[] = [];
    await app.db.orm.em.fork().transactional(async (tx) => {
      afterCommit(tx, () => calls.push('after commit'));
      await tx.execute('select 1');
      calls.push('inside');
    });
    expect(calls).toEqual(['inside', 'after commit']);
  });

  it('never runs when the transaction rolls back', async () => {
    const calls: string[] = [];
    await expect(
      app.db.orm.em.fork().transactional(async (tx) => {
        afterCommit(tx, () => calls.push('after commit'));
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(calls).toEqual([]);
  });

  it('does not fire for a later transaction of the same EntityManager', async () => {
    const em = app.db.orm.em.fork();
    let calls = 0;
    await em.transactional(async (tx) => afterCommit(tx, () => calls++));
    await em.transactional(async (tx) => void (await tx.execute('select 1')));
    expect(calls).toBe(1);
  });

  it('runs at once outside a transaction', () => {
    let ran = false;
    afterCommit(app.db.orm.em.fork(), () => (ran = true));
    expect(ran).toBe(true);
  });
});
