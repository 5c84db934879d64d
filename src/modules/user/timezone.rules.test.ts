import { describe, expect, it } from 'vitest';
import { canonicalZoneName, fold, resolveTimezone, suggestTimezones } from './timezone.rules.js';

describe('resolveTimezone', () => {
  it.each([
    ['Europe/Berlin', 'Europe/Berlin'],
    ['europe/berlin', 'Europe/Berlin'],
    ['America/New_York', 'America/New_York'],
    ['america/new york', 'America/New_York'],
    ['UTC', 'UTC'],
    ['utc', 'UTC'],
    ['GMT', 'UTC'],
    ['Etc/UTC', 'UTC'],
    ['Berlin', 'Europe/Berlin'],
    ['berlin', 'Europe/Berlin'],
    ['new york', 'America/New_York'],
    ['New York', 'America/New_York'],
    ['New_York', 'America/New_York'],
    ['Sao Paulo', 'America/Sao_Paulo'],
    ['São Paulo', 'America/Sao_Paulo'],
    ['London', 'Europe/London'],
    ['Paris', 'Europe/Paris'],
    ['  tokyo ', 'Asia/Tokyo'],
    ['Zürich', 'Europe/Zurich'],
    ['Port-au-Prince', 'America/Port-au-Prince'],
    ['port au prince', 'America/Port-au-Prince'],
    ['Buenos Aires', 'America/Argentina/Buenos_Aires'],
    ['Kolkata', 'Asia/Kolkata'],
    ['Asia/Calcutta', 'Asia/Kolkata'],
    ['Kyiv', 'Europe/Kyiv'],
    ['Kiev', 'Europe/Kyiv'],
    ['Ho Chi Minh', 'Asia/Ho_Chi_Minh'],
    ['San Francisco', 'America/Los_Angeles'],
    ['san francisco', 'America/Los_Angeles'],
    ['Mumbai', 'Asia/Kolkata'],
    ['Bombay', 'Asia/Kolkata'],
    ['Beijing', 'Asia/Shanghai'],
    ['Munich', 'Europe/Berlin'],
    ['Washington DC', 'America/New_York'],
  ])('%j -> %s', (input, zone) => {
    expect(resolveTimezone(input)).toEqual({ zone });
  });

  it.each([
    ['Mars/Olympus_Mons', []],
    ['Springfield', []],
    ['', []],
    ['Europe/Berlin; drop table users', []],
  ])('%j is no zone', (input) => {
    expect(resolveTimezone(input)).toMatchObject({ zone: null, ambiguous: false });
  });

  it('offers the zones containing a fragment as candidates', () => {
    expect(resolveTimezone('york')).toEqual({ zone: null, ambiguous: false, candidates: ['America/New_York'] });
    const indiana = resolveTimezone('indiana');
    expect(indiana).toMatchObject({ zone: null, ambiguous: false });
    expect((indiana as { candidates: string[] }).candidates).toHaveLength(5);
    for (const zone of (indiana as { candidates: string[] }).candidates) expect(zone).toMatch(/^America\/Indiana\//);
  });
});

describe('canonicalZoneName', () => {
  it.each([
    ['europe/berlin', 'Europe/Berlin'],
    ['Asia/Kolkata', 'Asia/Kolkata'],
    ['Asia/Calcutta', 'Asia/Kolkata'],
    ['Europe/Kiev', 'Europe/Kyiv'],
    ['UTC', 'UTC'],
    ['Mars/Base', null],
  ])('%j -> %j', (input, expected) => {
    expect(canonicalZoneName(input)).toBe(expected);
  });
});

describe('fold', () => {
  it.each([
    ['São_Paulo', 'sao paulo'],
    ['  New   York ', 'new york'],
    ['America / New_York', 'america/new york'],
    ['Port-au-Prince', 'port au prince'],
  ])('%j -> %j', (input, expected) => {
    expect(fold(input)).toBe(expected);
  });
});

describe('suggestTimezones', () => {
  it('matches any part of the name, case and underscores ignored, cities starting with it first', () => {
    expect(suggestTimezones('new york')[0]).toEqual({ name: 'America/New_York', value: 'America/New_York' });
    expect(suggestTimezones('NEW_YORK').map((s) => s.value)).toEqual(['America/New_York']);
    expect(suggestTimezones('berl')[0]!.value).toBe('Europe/Berlin');
    const sao = suggestTimezones('sao');
    expect(sao.slice(0, 2).map((s) => s.value)).toEqual(['Africa/Sao_Tome', 'America/Sao_Paulo']);
    const europe = suggestTimezones('europe/');
    expect(europe.length).toBe(25);
    for (const s of europe) expect(s.value).toMatch(/^Europe\//);
  });

  it('offers common cities that are not zone names, with their zone', () => {
    expect(suggestTimezones('san fran')).toEqual([{ name: 'San Francisco: America/Los_Angeles', value: 'America/Los_Angeles' }]);
    expect(suggestTimezones('mumbai')).toEqual([{ name: 'Mumbai: Asia/Kolkata', value: 'Asia/Kolkata' }]);
  });

  it('never gives more than 25 choices, each within Discord limits', () => {
    for (const partial of ['', 'a', 'america', 'e', '/', 'zzz']) {
      const choices = suggestTimezones(partial);
      expect(choices.length).toBeLessThanOrEqual(25);
      for (const c of choices) {
        expect(c.name.length).toBeGreaterThan(0);
        expect(c.name.length).toBeLessThanOrEqual(100);
        expect(c.value.length).toBeLessThanOrEqual(64);
      }
    }
    expect(suggestTimezones('')[0]!.value).toBe('UTC');
    expect(suggestTimezones('zzz')).toEqual([]);
  });
});
