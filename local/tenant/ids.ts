import { createHash } from 'node:crypto';

// Fixtures may omit ids (docs/tenant-fixtures-and-dumps.md); filling them from a seed instead of at random keeps two
// loads of the same file, and the demo tenant, byte-for-byte identical, so runs and dumps can be diffed.

function digest(kind: string, seed: string): Buffer {
  return createHash('sha1').update(`exsync:tenant:${kind}:${seed}`).digest();
}

/** A GUID derived from `seed` (RFC 4122 version 5 layout over SHA-1): same seed, same GUID. */
export function stableGuid(seed: string): string {
  const h = digest('guid', seed);
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/**
 * An opaque Graph-style id ("AAMkA…" for items, "AAQkA…" for conversations) derived from `seed`.
 * Graph ids are not GUIDs; using the same look keeps code from assuming they are.
 */
export function stableGraphId(seed: string, prefix = 'AAMkA'): string {
  const h = digest('graph', seed);
  const more = digest('graph2', seed);
  return prefix + Buffer.concat([h, more]).toString('base64url');
}
