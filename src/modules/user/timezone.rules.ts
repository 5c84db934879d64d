import { isValidTimezone } from '../shared/time.js';

/**
 * Time zones by IANA name or by city. The runtime's list (ICU) still spells a few
 * zones by their old names (Asia/Calcutta); they are shown and stored by their
 * current IANA names, which every runtime accepts too.
 */
const CURRENT_NAMES: Readonly<Record<string, string>> = {
  'Africa/Asmera': 'Africa/Asmara',
  'America/Buenos_Aires': 'America/Argentina/Buenos_Aires',
  'America/Catamarca': 'America/Argentina/Catamarca',
  'America/Coral_Harbour': 'America/Atikokan',
  'America/Cordoba': 'America/Argentina/Cordoba',
  'America/Godthab': 'America/Nuuk',
  'America/Indianapolis': 'America/Indiana/Indianapolis',
  'America/Jujuy': 'America/Argentina/Jujuy',
  'America/Louisville': 'America/Kentucky/Louisville',
  'America/Mendoza': 'America/Argentina/Mendoza',
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Rangoon': 'Asia/Yangon',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
  'Europe/Kiev': 'Europe/Kyiv',
  'Pacific/Enderbury': 'Pacific/Kanton',
  'Pacific/Ponape': 'Pacific/Pohnpei',
  'Pacific/Truk': 'Pacific/Chuuk',
};

/** Cities people name that are not the city of an IANA zone (keys as `fold` writes them). */
const CITY_ALIASES: Readonly<Record<string, string>> = {
  utc: 'UTC',
  gmt: 'UTC',
  zulu: 'UTC',
  'san francisco': 'America/Los_Angeles',
  'silicon valley': 'America/Los_Angeles',
  seattle: 'America/Los_Angeles',
  portland: 'America/Los_Angeles',
  'san diego': 'America/Los_Angeles',
  'las vegas': 'America/Los_Angeles',
  washington: 'America/New_York',
  'washington dc': 'America/New_York',
  boston: 'America/New_York',
  philadelphia: 'America/New_York',
  atlanta: 'America/New_York',
  miami: 'America/New_York',
  nyc: 'America/New_York',
  dallas: 'America/Chicago',
  houston: 'America/Chicago',
  austin: 'America/Chicago',
  'salt lake city': 'America/Denver',
  montreal: 'America/Toronto',
  ottawa: 'America/Toronto',
  'rio de janeiro': 'America/Sao_Paulo',
  rio: 'America/Sao_Paulo',
  brasilia: 'America/Sao_Paulo',
  mumbai: 'Asia/Kolkata',
  bombay: 'Asia/Kolkata',
  calcutta: 'Asia/Kolkata',
  delhi: 'Asia/Kolkata',
  'new delhi': 'Asia/Kolkata',
  bangalore: 'Asia/Kolkata',
  bengaluru: 'Asia/Kolkata',
  chennai: 'Asia/Kolkata',
  hyderabad: 'Asia/Kolkata',
  beijing: 'Asia/Shanghai',
  peking: 'Asia/Shanghai',
  shenzhen: 'Asia/Shanghai',
  guangzhou: 'Asia/Shanghai',
  osaka: 'Asia/Tokyo',
  kyoto: 'Asia/Tokyo',
  hanoi: 'Asia/Bangkok',
  saigon: 'Asia/Ho_Chi_Minh',
  'abu dhabi': 'Asia/Dubai',
  'tel aviv': 'Asia/Jerusalem',
  munich: 'Europe/Berlin',
  frankfurt: 'Europe/Berlin',
  hamburg: 'Europe/Berlin',
  cologne: 'Europe/Berlin',
  barcelona: 'Europe/Madrid',
  milan: 'Europe/Rome',
  geneva: 'Europe/Zurich',
  kiev: 'Europe/Kyiv',
  'st petersburg': 'Europe/Moscow',
  'saint petersburg': 'Europe/Moscow',
  'cape town': 'Africa/Johannesburg',
  wellington: 'Pacific/Auckland',
};

/** Lower case, accents dropped, `_`, `-` and runs of spaces as one space: `São_Paulo` -> `sao paulo`. */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[_\s-]+/g, ' ')
    .replace(/\s*\/\s*/g, '/')
    .trim();
}

interface ZoneEntry {
  zone: string;
  /** The folded full name (`america/new york`) and last segment (`new york`). */
  name: string;
  city: string;
}

let zoneIndex: ZoneEntry[] | undefined;

/** Every zone the runtime knows, by current name, with its folded names for matching. */
function zones(): ZoneEntry[] {
  if (zoneIndex) return zoneIndex;
  const names = new Set(['UTC', ...Intl.supportedValuesOf('timeZone').map((zone) => CURRENT_NAMES[zone] ?? zone)]);
  zoneIndex = [...names].sort().map((zone) => ({ zone, name: fold(zone), city: fold(zone.split('/').pop()!) }));
  return zoneIndex;
}

/** The zone's current IANA name (`europe/berlin` -> `Europe/Berlin`, `Asia/Calcutta` -> `Asia/Kolkata`), or null when unknown. */
export function canonicalZoneName(zone: string): string | null {
  const trimmed = zone.trim();
  if (!isValidTimezone(trimmed)) return null;
  const resolved = new Intl.DateTimeFormat('en-US', { timeZone: trimmed }).resolvedOptions().timeZone;
  if (resolved === 'Etc/UTC' || resolved === 'Etc/GMT') return 'UTC';
  return CURRENT_NAMES[resolved] ?? resolved;
}

/** A zone, or none with the closest candidates (`ambiguous`: the input names a city of several zones). */
export type ZoneMatch = { zone: string } | { zone: null; ambiguous: boolean; candidates: string[] };

/**
 * An IANA name in any case (`europe/berlin`), a city that names a zone
 * (`new york`, `Sao Paulo`, accents and case ignored) or a common city that does
 * not (`San Francisco`, `Mumbai`). Otherwise no zone, with the closest
 * candidates: several zones of that city, or names that contain the input.
 */
export function resolveTimezone(input: string): ZoneMatch {
  const text = input.trim();
  const folded = fold(text);
  if (!folded) return { zone: null, ambiguous: false, candidates: [] };
  const alias = Object.hasOwn(CITY_ALIASES, folded) ? CITY_ALIASES[folded] : undefined;
  if (alias) return { zone: alias };
  const exact = zones().find((entry) => entry.name === folded);
  if (exact) return { zone: exact.zone };
  const direct = /^[\w+-]+(\/[\w+-]+)*$/.test(text) ? canonicalZoneName(text) : null;
  if (direct) return { zone: direct };
  const byCity = zones().filter((entry) => entry.city === folded);
  if (byCity.length === 1) return { zone: byCity[0]!.zone };
  if (byCity.length > 1) return { zone: null, ambiguous: true, candidates: byCity.map((entry) => entry.zone).slice(0, 5) };
  return { zone: null, ambiguous: false, candidates: [...new Set(suggestTimezones(text, 8).map((s) => s.value))].slice(0, 5) };
}

/** Zones shown before anything is typed. */
const POPULAR = [
  'UTC',
  'Europe/London',
  'Europe/Berlin',
  'Europe/Paris',
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Los_Angeles',
  'America/Sao_Paulo',
  'Asia/Kolkata',
  'Asia/Shanghai',
  'Asia/Tokyo',
  'Australia/Sydney',
];

/**
 * Zones for an autocomplete box: those whose name contains what was typed
 * (case, accents and `_` ignored), cities starting with it first, then common
 * cities that are not zone names (`San Francisco: America/Los_Angeles`).
 */
export function suggestTimezones(partial: string, limit = 25): Array<{ name: string; value: string }> {
  const folded = fold(partial);
  if (!folded) return POPULAR.slice(0, limit).map((zone) => ({ name: zone, value: zone }));
  const rank = (entry: ZoneEntry) => (entry.city.startsWith(folded) ? 0 : entry.name.startsWith(folded) ? 1 : entry.city.includes(` ${folded}`) ? 2 : 3);
  const matches = zones()
    .filter((entry) => entry.name.includes(folded))
    .sort((a, b) => rank(a) - rank(b) || a.zone.localeCompare(b.zone))
    .map((entry) => ({ name: entry.zone, value: entry.zone }));
  const seen = new Set(matches.map((m) => m.value));
  const cities = Object.entries(CITY_ALIASES)
    .filter(([city, zone]) => city.includes(folded) && !seen.has(zone) && city.length > 3)
    .map(([city, zone]) => ({ name: `${titleCase(city)}: ${zone}`, value: zone }));
  const unique = cities.filter((c, i) => cities.findIndex((d) => d.value === c.value) === i);
  return [...matches, ...unique].slice(0, limit);
}

function titleCase(text: string): string {
  return text.replace(/\b\p{L}/gu, (c) => c.toUpperCase());
}
