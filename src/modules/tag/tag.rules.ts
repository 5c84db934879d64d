/** Trimmed names without case-insensitive duplicates, first spelling kept. */
export function uniqueNames(names: readonly string[]): string[] {
  const byKey = new Map<string, string>();
  for (const name of names.map((n) => n.trim()).filter(Boolean)) if (!byKey.has(name.toLowerCase())) byKey.set(name.toLowerCase(), name);
  return [...byKey.values()];
}

/** `items` sorted by where their name (ignoring case) appears in `given`. */
export function orderAsGiven<T extends { name: string }>(items: readonly T[], given: readonly string[]): T[] {
  const keys = given.map((n) => n.trim().toLowerCase());
  return [...items].sort((a, b) => keys.indexOf(a.name.toLowerCase()) - keys.indexOf(b.name.toLowerCase()));
}
