// Markdown as GitHub reads it, for the documentation tests: fenced blocks with their language, and the
// anchors its headings get, so a link or a code comment that names `page.md#heading` can be checked.

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function anchorOf(heading: string): string {
  return heading
    .replace(/`/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Fenced code blocks: the language after the fence and the body. */
export function fencedBlocks(markdown: string): { lang: string; body: string }[] {
  return [...markdown.matchAll(/^( *)```(\w*)[^\n]*\n([^]*?)^\1```[ \t]*$/gm)].map((m) => ({
    lang: m[2]!,
    body: m[3]!,
  }));
}

/** Every anchor the page offers: its headings (a repeated one gets -1, -2 …) and explicit <a id> tags. */
export function anchorsOf(markdown: string): Set<string> {
  const out = new Set<string>();
  const seen = new Map<string, number>();
  const prose = markdown.replace(/^( *)```[^]*?^\1```[ \t]*$/gm, '');
  for (const m of prose.matchAll(/^#{1,6} (.+)$/gm)) {
    const base = anchorOf(m[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n ? `${base}-${n}` : base);
  }
  for (const m of markdown.matchAll(/<a (?:id|name)="([^"]+)"/g)) out.add(m[1]!);
  return out;
}
