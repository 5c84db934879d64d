/**
 * Reply text is Discord-flavoured markdown (`**bold**`, `*italic*`, `` `code` ``).
 * User text is escaped with backslashes so it never turns into formatting;
 * renderers for other platforms translate or strip the escapes.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_~|>#[\]()-])/g, '\\$1').replace(/\n/g, ' ');
}

/** Removes backslash escapes (for plain-text renderers). */
export function unescapeMarkdown(text: string): string {
  return text.replace(/\\([\\`*_~|>#[\]()-])/g, '$1');
}
