// Graph's JSON answers read into typed values at the edge: the client hands back untyped JSON, so every field
// the adapter uses is checked here before it is trusted.
import type { GraphJson } from '../../ports';

/** A JSON object, or undefined for anything else (null, an array, a primitive). */
export function asObject(json: unknown): GraphJson | undefined {
  return json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as GraphJson) : undefined;
}

const stringOrUndefined = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const listOf = (v: unknown): unknown[] => (Array.isArray(v) ? (v as unknown[]) : []);

/** One page of a delta query: its items as sent, and the nextLink or deltaLink when it is a string. */
export function asDeltaPage(json: unknown): { value: GraphJson[]; nextLink?: string; deltaLink?: string } {
  const page = asObject(json);
  // The items pass as sent: each is checked where it is normalized (domain/graph-message.ts).
  const value = listOf(page?.value) as GraphJson[];
  const nextLink = stringOrUndefined(page?.['@odata.nextLink']);
  const deltaLink = stringOrUndefined(page?.['@odata.deltaLink']);
  return { value, ...(nextLink !== undefined ? { nextLink } : {}), ...(deltaLink !== undefined ? { deltaLink } : {}) };
}

/** One page of child folders: those with a string id, and the nextLink as sent (checked by the caller). */
export function asFolderPage(json: unknown): { folders: { id: string; displayName: string }[]; nextLink: unknown } {
  const page = asObject(json);
  const folders: { id: string; displayName: string }[] = [];
  for (const item of listOf(page?.value)) {
    const f = asObject(item);
    if (typeof f?.id === 'string') folders.push({ id: f.id, displayName: nameText(f.displayName) });
  }
  return { folders, nextLink: page?.['@odata.nextLink'] };
}

/** A folder's name: Graph sends a string; a number or boolean reads as its text, anything else as no name. */
function nameText(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}

/** The items of a JSON $batch answer that are objects, each read by its id, status, headers and body. */
export function asBatchItems(json: unknown): GraphJson[] {
  return listOf(asObject(json)?.responses)
    .map(asObject)
    .filter((r): r is GraphJson => r !== undefined);
}
