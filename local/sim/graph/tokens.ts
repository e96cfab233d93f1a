// Delta state tokens are self-contained and HMAC-signed: the client cannot alter the options they carry,
// and a simulator restarted from its snapshot (which keeps the key) still accepts links it issued.
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface DeltaOptions {
  /** Canonical property names from $select; undefined means the default property set. */
  select?: string[];
  filter?: { op: 'ge' | 'gt'; value: string };
  changeType?: 'created' | 'updated' | 'deleted';
  top?: number;
  /** Prefer: odata.maxpagesize from the first request. */
  pageSize?: number;
  immutableId: boolean;
}

export interface DeltaState {
  /** User id and folder id the round belongs to. */
  u: string;
  f: string;
  o: DeltaOptions;
  /** 'i': initial enumeration of contents as of seq `s`, resuming after arrival seq `c`.
   *  'd': changes after seq `s` up to `h` (fixed on the round's first page), resuming at entry `k`. */
  p: 'i' | 'd';
  s: number;
  c?: number;
  h?: number;
  k?: number;
  /** The mailbox's sync-state generation when the round began; older generations get 410. */
  g?: number;
}

function sign(key: Buffer, body: string): string {
  return createHmac('sha256', key).update(body).digest('base64url').slice(0, 27);
}

export function encodeToken(key: Buffer, state: object): string {
  const body = Buffer.from(JSON.stringify(state)).toString('base64url');
  return `${body}.${sign(key, body)}`;
}

/** Undefined when the token is malformed or was not issued with this key. */
export function decodeToken(key: Buffer, token: string): DeltaState | undefined {
  const state = decodeSigned(key, token) as DeltaState | undefined;
  return state && typeof state.s === 'number' && (state.p === 'i' || state.p === 'd') ? state : undefined;
}

/** The signed JSON body of any token this key issued. */
export function decodeSigned(key: Buffer, token: string): unknown {
  const dot = token.lastIndexOf('.');
  if (dot < 0) return undefined;
  const body = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1));
  const expected = Buffer.from(sign(key, body));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
