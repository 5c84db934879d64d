import { describe, expect, it } from 'vitest';
import { localDate, MAX_ATTEMPTS, nextLocalTime, quietHoursEnd, retryDelayMs, wallTimeOn, wants } from './notification.rules.js';

describe('wall times across DST', () => {
  it.each([
    // name, date, zone, time, expected UTC
    ['an ordinary day in Berlin', '2026-11-24', 'Europe/Berlin', '08:30', '2026-11-24T07:30:00Z'],
    ['08:30 stays 08:30 the day after spring-forward (New York)', '2026-03-08', 'America/New_York', '08:30', '2026-03-08T12:30:00Z'],
    ['08:30 stays 08:30 the day before spring-forward (New York)', '2026-03-07', 'America/New_York', '08:30', '2026-03-07T13:30:00Z'],
    ['08:30 stays 08:30 after fall-back (Berlin)', '2026-10-25', 'Europe/Berlin', '08:30', '2026-10-25T07:30:00Z'],
    ['a skipped time goes at the first valid minute (02:30 -> 03:00 EDT)', '2026-03-08', 'America/New_York', '02:30', '2026-03-08T07:00:00Z'],
    ['a skipped time in Berlin (02:15 -> 03:00 CEST)', '2026-03-29', 'Europe/Berlin', '02:15', '2026-03-29T01:00:00Z'],
    ['a repeated time takes its first occurrence (01:30 EDT)', '2026-11-01', 'America/New_York', '01:30', '2026-11-01T05:30:00Z'],
  ])('%s', (_name, date, zone, time, expected) => {
    const [h, m] = time.split(':').map(Number) as [number, number];
    expect(wallTimeOn(date, zone, h, m).toJSDate().toISOString()).toBe(new Date(expected).toISOString());
  });

  it('GIVEN a reminder sent in the first 01:30 of a repeated hour WHEN the next one is worked out at the second 01:30 THEN it is tomorrow', () => {
    const first = new Date('2026-11-01T05:30:00Z');
    const second = new Date('2026-11-01T06:30:00Z'); // 01:30 EST, the same wall time again
    expect(localDate(second, 'America/New_York')).toBe('2026-11-01');
    const next = nextLocalTime(second, 'America/New_York', '01:30', localDate(first, 'America/New_York'));
    expect(next.toISOString()).toBe('2026-11-02T06:30:00.000Z');
  });

  it('GIVEN 08:30 every day WHEN stepping across both changes THEN the local time never moves', () => {
    let at = new Date('2026-03-06T00:00:00Z');
    const seen: string[] = [];
    for (let i = 0; i < 5; i++) {
      at = nextLocalTime(at, 'America/New_York', '08:30', localDate(at, 'America/New_York'));
      seen.push(at.toISOString());
    }
    expect(seen).toEqual([
      '2026-03-06T13:30:00.000Z',
      '2026-03-07T13:30:00.000Z',
      '2026-03-08T12:30:00.000Z',
      '2026-03-09T12:30:00.000Z',
      '2026-03-10T12:30:00.000Z',
    ]);
  });

  it('later today, or tomorrow when the time has passed', () => {
    expect(nextLocalTime(new Date('2026-11-24T10:00:00Z'), 'Europe/Berlin', '12:00').toISOString()).toBe('2026-11-24T11:00:00.000Z');
    expect(nextLocalTime(new Date('2026-11-24T10:00:00Z'), 'Europe/Berlin', '11:00').toISOString()).toBe('2026-11-25T10:00:00.000Z');
  });
});

describe('quiet hours', () => {
  it.each([
    ['inside a window wrapping midnight, late evening', '2026-12-02T22:30:00Z', '22:00', '07:00', '2026-12-03T07:00:00Z'],
    ['inside a window wrapping midnight, early morning', '2026-12-03T06:10:00Z', '22:00', '07:00', '2026-12-03T07:00:00Z'],
    ['outside the window', '2026-12-02T12:00:00Z', '22:00', '07:00', null],
    ['at the end of the window (already outside)', '2026-12-03T07:00:00Z', '22:00', '07:00', null],
    ['a daytime window', '2026-12-02T13:00:00Z', '12:00', '14:00', '2026-12-02T14:00:00Z'],
  ])('%s', (_name, at, start, end, expected) => {
    const result = quietHoursEnd(new Date(at), 'UTC', start, end);
    expect(result?.toISOString() ?? null).toBe(expected ? new Date(expected).toISOString() : null);
  });

  it('no window, no move', () => {
    expect(quietHoursEnd(new Date(), 'UTC', null, null)).toBeNull();
  });
});

describe('retries', () => {
  it('backs off exponentially with jitter, capped at an hour', () => {
    expect(retryDelayMs(1, () => 1)).toBe(30_000);
    expect(retryDelayMs(1, () => 0)).toBe(15_000);
    expect(retryDelayMs(3, () => 1)).toBe(120_000);
    expect(retryDelayMs(MAX_ATTEMPTS + 10, () => 1)).toBe(3_600_000);
  });
});

describe('preferences', () => {
  it('default on; a stored row decides per channel', () => {
    const prefs = [{ type: 'reminder', inApp: false, email: true }];
    expect(wants(prefs, 'reminder', 'in_app')).toBe(false);
    expect(wants(prefs, 'reminder', 'email')).toBe(true);
    expect(wants(prefs, 'streak_risk', 'in_app')).toBe(true);
  });
});
