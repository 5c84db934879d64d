import { describe, expect, it } from 'vitest';
import { InFlight, settleWithin } from './deadline.js';

const after = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

describe('settleWithin', () => {
  it('gives the value of work that settles in time', async () => {
    expect(await settleWithin(after(5, 'done'), 1000, 'late')).toBe('done');
  });

  it('gives the fallback when the work is still running at the deadline', async () => {
    expect(await settleWithin(after(1000, 'done'), 10, 'late')).toBe('late');
    expect(await settleWithin(after(1000, 'done'), -5, 'late')).toBe('late');
  });

  it('passes a rejection through', async () => {
    await expect(settleWithin(Promise.reject(new Error('boom')), 1000, 'late')).rejects.toThrow('boom');
  });
});

describe('InFlight', () => {
  it('waits for tracked work to finish, failed work included', async () => {
    const inFlight = new InFlight();
    const finished: string[] = [];
    void inFlight.track(after(20, 'a').then((v) => void finished.push(v)));
    const failing = after(10, 'b').then((v) => {
      finished.push(v);
      throw new Error('b failed');
    });
    await expect(Promise.race([inFlight.track(failing), after(100, 'pending')])).rejects.toThrow('b failed');
    await inFlight.drain(1000);
    expect(finished.sort()).toEqual(['a', 'b']);
  });

  it('gives up on work that outlasts the drain timeout', async () => {
    const inFlight = new InFlight();
    let done = false;
    void inFlight.track(after(500, undefined).then(() => (done = true)));
    const started = performance.now();
    await inFlight.drain(20);
    expect(done).toBe(false);
    expect(performance.now() - started).toBeLessThan(400);
  });

  it('forgets work once it has settled', async () => {
    const inFlight = new InFlight();
    await inFlight.track(after(5, 'x'));
    const started = performance.now();
    await inFlight.drain(1000);
    expect(performance.now() - started).toBeLessThan(50);
  });
});
