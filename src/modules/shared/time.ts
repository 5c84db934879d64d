// Building an Intl.DateTimeFormat costs far more than the rest of a completion's date
// arithmetic, and the rules check the same few zones over and over.
const known = new Map<string, boolean>();

/** True for IANA zone names the runtime knows (`Europe/Berlin`), false otherwise. */
export function isValidTimezone(zone: string): boolean {
  const cached = known.get(zone);
  if (cached !== undefined) return cached;
  let valid = /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(zone) || zone === 'UTC';
  if (valid) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
    } catch {
      valid = false;
    }
  }
  if (known.size >= 10_000) known.clear();
  known.set(zone, valid);
  return valid;
}
