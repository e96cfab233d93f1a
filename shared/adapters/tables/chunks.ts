// A JSON list kept in one entity: a string property holds at most 64 KiB (32 K UTF-16 characters) and an
// entity at most 1 MiB, so the text is split over properties e0, e1, … (threads, smart-matching rows).

export const CHUNK_CHARS = 30_000;
export const MAX_CHUNKS = 12;
/** The longest JSON text a row can hold. */
export const MAX_JSON_CHARS = CHUNK_CHARS * MAX_CHUNKS;

/** The list stored in the row's chunks; an unreadable row reads as empty. */
export function readChunks<T>(e: Record<string, unknown>): T[] {
  let json = '';
  for (let i = 0; i < MAX_CHUNKS && typeof e[`e${i}`] === 'string'; i++) json += e[`e${i}`] as string;
  try {
    const list = JSON.parse(json || '[]') as unknown;
    return Array.isArray(list) ? (list as T[]) : [];
  } catch {
    return [];
  }
}

/** The chunk properties for a JSON text of at most MAX_JSON_CHARS characters. */
export function chunkProperties(json: string): Record<string, string> {
  const chunks: Record<string, string> = {};
  for (let i = 0; i * CHUNK_CHARS < json.length; i++)
    chunks[`e${i}`] = json.slice(i * CHUNK_CHARS, (i + 1) * CHUNK_CHARS);
  return chunks;
}
