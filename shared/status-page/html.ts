// HTML text for the status page: every value goes through `esc` (or `attr`), so nothing read from the stores
// (addresses, error text, a Message-ID typed into the search) can become markup.

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text content and attribute values alike. */
export function esc(value: string | number | undefined): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/** An ISO time as people read it, in UTC; empty stays a dash. */
export function when(iso: string | undefined): string {
  if (!iso) return '–';
  const t = Date.parse(iso);
  return Number.isNaN(t)
    ? esc(iso)
    : `<time datetime="${esc(iso)}">${esc(iso.slice(0, 19).replace('T', ' '))} UTC</time>`;
}

/** A table from a header row and rows of HTML cells (already escaped by the caller). */
export function table(id: string, head: string[], rows: string[][], empty: string): string {
  if (rows.length === 0) return `<p class="empty" id="${esc(id)}">${esc(empty)}</p>`;
  return [
    `<table id="${esc(id)}"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>`,
    ...rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`),
    '</tbody></table>',
  ].join('\n');
}
