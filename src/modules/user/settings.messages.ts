import { defineMessages } from '../../core/messages.js';

export const settingsMessages = defineMessages('settings', {
  clock_invalid: (p: { option: string; value: string }) => `\`${p.option}\` must be a time HH:MM between 00:00 and 23:59, or off (got "${p.value}").`,
  zone_invalid: (p: { zone: string }) => `\`zone\` must be an IANA time zone name such as Europe/Berlin, America/New_York or UTC (got "${p.zone}").`,
  hour_invalid: (p: { hour: number }) => `\`hour\` must be a whole number between 0 and 23 (got ${p.hour}).`,
  hours_invalid: (p: { hours: string }) => `\`hours\` must be two times HH:MM such as 22:00-07:00, or off (got "${p.hours}").`,
  due_soon_invalid: (p: { value: string; min: string; max: string }) =>
    `\`lead\` must be a duration between ${p.min} and ${p.max} (e.g. 30, 45m, 1h, 2h30m), or off (got "${p.value}").`,
  hours_equal: (p: { time: string }) => `\`hours\` must start and end at different times (both are ${p.time}).`,
});
