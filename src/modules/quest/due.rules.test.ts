import { describe, expect, it } from 'vitest';
import { dueLabel, dueWindow, formatLocal, parseDue, type UserClock } from './due.rules.js';

/** [phrase, expected local time in the zone (formatLocal), or an error fragment]. */
type Row = [string, string];

const zones: Array<{ name: string; clock: UserClock; now: string; rows: Row[] }> = [
  {
    // Friday noon, two days before the clocks go back (25 Oct): answers after the change are in CET.
    name: 'Europe/Berlin across the end of summer time',
    clock: { timezone: 'Europe/Berlin', dayStartHour: 0 },
    now: '2026-10-23T10:00:00Z',
    rows: [
      ['tomorrow 5pm', 'Sat 24 Oct 17:00 @ 2026-10-24T15:00:00.000Z'],
      ['fri', 'Fri 23 Oct 23:59 @ 2026-10-23T21:59:00.000Z'],
      ['next monday', 'Mon 26 Oct 23:59 @ 2026-10-26T22:59:00.000Z'],
      ['in 3 days', 'Mon 26 Oct 23:59 @ 2026-10-26T22:59:00.000Z'],
      ['in 3 hours', 'Fri 23 Oct 15:00 @ 2026-10-23T13:00:00.000Z'],
      ['end of month', 'Sat 31 Oct 23:59 @ 2026-10-31T22:59:00.000Z'],
      ['2026-12-24 18:00', 'Thu 24 Dec 18:00 @ 2026-12-24T17:00:00.000Z'],
    ],
  },
  {
    name: 'America/New_York in winter',
    clock: { timezone: 'America/New_York', dayStartHour: 0 },
    now: '2026-12-02T15:00:00Z',
    rows: [
      ['tomorrow 5pm', 'Thu 3 Dec 17:00 @ 2026-12-03T22:00:00.000Z'],
      ['fri', 'Fri 4 Dec 23:59 @ 2026-12-05T04:59:00.000Z'],
      ['next monday', 'Mon 7 Dec 23:59 @ 2026-12-08T04:59:00.000Z'],
      ['in 3 days', 'Sat 5 Dec 23:59 @ 2026-12-06T04:59:00.000Z'],
      ['end of month', 'Thu 31 Dec 23:59 @ 2027-01-01T04:59:00.000Z'],
      ['2026-12-24 18:00', 'Thu 24 Dec 18:00 @ 2026-12-24T23:00:00.000Z'],
      ['Tomorrow', 'Thu 3 Dec 23:59 @ 2026-12-04T04:59:00.000Z'],
    ],
  },
  {
    // 01:30 on Thursday is still Wednesday for a night owl whose day starts at 03:00.
    name: 'Asia/Tokyo with the day starting at 03:00',
    clock: { timezone: 'Asia/Tokyo', dayStartHour: 3 },
    now: '2026-12-02T16:30:00Z',
    rows: [
      ['tomorrow 5pm', 'Thu 3 Dec 17:00 @ 2026-12-03T08:00:00.000Z'],
      ['fri', 'Fri 4 Dec 23:59 @ 2026-12-04T14:59:00.000Z'],
      ['next monday', 'Mon 7 Dec 23:59 @ 2026-12-07T14:59:00.000Z'],
      ['in 3 days', 'Sat 5 Dec 23:59 @ 2026-12-05T14:59:00.000Z'],
      ['in 3 hours', 'Thu 3 Dec 04:30 @ 2026-12-02T19:30:00.000Z'],
      ['end of month', 'Thu 31 Dec 23:59 @ 2026-12-31T14:59:00.000Z'],
      ['2026-12-24 18:00', 'Thu 24 Dec 18:00 @ 2026-12-24T09:00:00.000Z'],
      ['today 11pm', 'error: must be in the future'],
    ],
  },
];

describe('parseDue', () => {
  for (const zone of zones) {
    describe(zone.name, () => {
      const now = new Date(zone.now);
      it.each([
        ...zone.rows,
        ['none', 'clear'],
        ['blah', "error: can't read"],
        ['tomorrow blah', 'error: but not "blah"'],
        ['yesterday', 'error: must be in the future'],
      ] as Row[])('%s -> %s', (phrase, expected) => {
        const result = parseDue(phrase, zone.clock, now);
        if (expected === 'clear') expect(result).toEqual({ kind: 'clear' });
        else if (expected.startsWith('error: ')) {
          expect(result.kind).toBe('invalid');
          expect(result.kind === 'invalid' && result.problem).toContain(expected.slice(7));
        } else {
          expect(result.kind).toBe('at');
          const at = result.kind === 'at' ? result.at : new Date(0);
          expect(`${formatLocal(at, zone.clock.timezone)} @ ${at.toISOString()}`).toBe(expected);
        }
      });
    });
  }
});

describe('dueLabel', () => {
  const now = new Date('2026-12-02T12:00:00Z');
  it.each([
    ['2026-12-02T15:00:00Z', 'due in 3h'],
    ['2026-12-02T12:40:00Z', 'due in 40m'],
    ['2026-12-05T12:00:00Z', 'due in 3 days'],
    ['2026-12-02T12:00:20Z', 'due now'],
    ['2026-12-02T11:20:00Z', '40m overdue'],
    ['2026-11-30T11:00:00Z', '2 days overdue'],
    ['2026-12-01T11:00:00Z', '25h overdue'],
  ])('%s -> %s', (due, label) => expect(dueLabel(new Date(due), now)).toBe(label));
});

describe('dueWindow', () => {
  it('today ends at the next day start in the user zone; week at the end of the ISO week', () => {
    const clock = { timezone: 'Asia/Tokyo', dayStartHour: 3 };
    const now = new Date('2026-12-02T16:30:00Z'); // Thu 01:30 local = still Wednesday
    expect(dueWindow('today', clock, now)).toEqual({ to: new Date('2026-12-02T18:00:00Z') }); // Thu 03:00 JST
    expect(dueWindow('week', clock, now)).toEqual({ to: new Date('2026-12-06T18:00:00Z') }); // Mon 7 Dec 03:00 JST
    expect(dueWindow('overdue', clock, now)).toEqual({ to: now });
    expect(dueWindow('none', clock, now)).toEqual({ none: true });
  });
});
