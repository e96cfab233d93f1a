// Stable identifiers: the same fixture always yields the same user, folder and message ids, so state
// dumps compare across runs and a restarted simulator answers to the ids its clients already hold.
import { createHash, randomUUID } from 'node:crypto';

function digest(...parts: string[]): Buffer {
  return createHash('sha256').update(parts.join('\u0000')).digest();
}

/** Entra object ids are GUIDs; derive one from the address so it never changes between runs. */
export function userIdFor(address: string): string {
  const h = digest('user', address.toLowerCase()).subarray(0, 16);
  h[6] = (h[6] & 0x0f) | 0x50; // version nibble: name-based
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

// Exchange ids are long base64url strings with recognisable prefixes; mimic their look so clients that
// log or length-check ids see realistic values.
export function folderIdFor(address: string, path: string): string {
  return 'AAMkAGFmb2xkZXIA' + digest('folder', address.toLowerCase(), path).toString('base64url');
}

export function immutableIdFor(address: string, seed: string): string {
  return (
    'AAkALgAAAAAAHYQDEapmEc2byACqAC-EWg0A' + digest('immutable', address.toLowerCase(), seed).toString('base64url')
  );
}

/** The "regular" id embeds the folder residence: a new one after every move, as Exchange's EntryIDs do. */
export function regularIdFor(immutableId: string, moves: number): string {
  return 'AAMkADAwATM0MDAAMS0' + digest('regular', immutableId, String(moves)).toString('base64url');
}

export function changeKeyFor(immutableId: string, version: number): string {
  return 'CQAAABYAAA' + digest('changekey', immutableId, String(version)).subarray(0, 18).toString('base64');
}

export function conversationIdFor(address: string, topic: string): string {
  return (
    'AAQkAGNvbnZlcnNhdGlvbgAQ' +
    digest('conversation', address.toLowerCase(), topic).subarray(0, 18).toString('base64url')
  );
}

/** A 22-byte conversation index header (reserved byte, FILETIME bytes, GUID), base64 like Graph's Edm.Binary. */
export function conversationIndexFor(topic: string, at: Date): string {
  const head = Buffer.alloc(6);
  const filetime = BigInt(at.getTime()) * 10000n + 116444736000000000n;
  head[0] = 0x01;
  head.writeUIntBE(Number((filetime >> 24n) & 0xffffffffffn), 1, 5);
  return Buffer.concat([head, digest('thread', topic).subarray(0, 16)]).toString('base64');
}

export function requestId(): string {
  return randomUUID();
}
