import { defineMessages } from '../../core/messages.js';

export const settingsMessages = defineMessages('settings', {
  clock_invalid: (p: { option: string; value: string }) => `\`${p.option}\` must be a time HH:MM between 00:00 and 23:59, or off (got "${p.value}").`,
  zone_invalid: (p: { zone: string; candidates: readonly string[] }) =>
    `\`zone\` must be an IANA time zone name such as Europe/Berlin, America/New_York or UTC, or a city such as Berlin or New York (got "${p.zone}").` +
    (p.candidates?.length ? ` Did you mean ${p.candidates.join(', ')}?` : ''),
  zone_ambiguous: (p: { zone: string; candidates: readonly string[] }) =>
    `\`zone\`: "${p.zone}" could be any of ${p.candidates?.join(', ')}. Give the full name of one of them.`,
  zone_set: (p: { zone: string; local: string }) => `Time zone set to **${p.zone}**: it is ${p.local} there now. Your streaks keep counting across the change.`,
  hour_invalid: (p: { hour: number }) => `\`hour\` must be a whole number between 0 and 23 (got ${p.hour}).`,
  hours_invalid: (p: { hours: string }) => `\`hours\` must be two times HH:MM such as 22:00-07:00, or off (got "${p.hours}").`,
  due_soon_invalid: (p: { value: string; min: string; max: string }) =>
    `\`lead\` must be a duration between ${p.min} and ${p.max} (e.g. 30, 45m, 1h, 2h30m), or off (got "${p.value}").`,
  hours_equal: (p: { time: string }) => `\`hours\` must start and end at different times (both are ${p.time}).`,
});
