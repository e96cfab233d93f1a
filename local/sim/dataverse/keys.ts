// Key segments of entity URLs: `/emails(<guid>)`, `/accounts(accountnumber='A1')`,
// `/contacts(firstname='Joe',emailaddress1='j@x.com')`, `/accounts(_primarycontactid_value=<guid>)`.
import { invalidArgument } from './errors';

export type KeySpec = { kind: 'id'; id: string } | { kind: 'alt'; values: Record<string, string | number> };

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
// Values with these characters break key access on the real service (define-alternate-keys-entity.md).
const FORBIDDEN = /[/<>*%&:\\?+]/;

export const isGuid = (s: string): boolean => GUID.test(s);

export function parseKeySpec(text: string): KeySpec {
  const t = text.trim();
  if (isGuid(t)) return { kind: 'id', id: t.toLowerCase() };
  if (/^'[^']*'$/.test(t) && isGuid(t.slice(1, -1))) return { kind: 'id', id: t.slice(1, -1).toLowerCase() };
  const values: Record<string, string | number> = {};
  let i = 0;
  while (i < t.length) {
    const eq = t.indexOf('=', i);
    if (eq < 0) throw invalidArgument(`Bad key segment '(${text})'.`);
    const name = t.slice(i, eq).trim();
    let j = eq + 1;
    let v: string | number;
    if (t[j] === "'") {
      let s = '';
      j++;
      for (;;) {
        if (j >= t.length) throw invalidArgument(`Unterminated key value in '(${text})'.`);
        if (t[j] === "'") {
          if (t[j + 1] === "'") {
            s += "'";
            j += 2;
            continue;
          }
          j++;
          break;
        }
        s += t[j++];
      }
      v = s;
    } else {
      const end = t.indexOf(',', j);
      const raw = t.slice(j, end < 0 ? t.length : end).trim();
      v = isGuid(raw) ? raw.toLowerCase() : Number.isFinite(Number(raw)) && raw !== '' ? Number(raw) : raw;
      j = end < 0 ? t.length : end;
    }
    if (typeof v === 'string' && FORBIDDEN.test(v)) {
      throw invalidArgument(
        `The key value for '${name}' contains a character that cannot be used in a key: / < > * % & : \\ ? +`,
      );
    }
    values[name] = v;
    while (t[j] === ' ') j++;
    if (j < t.length && t[j] !== ',') throw invalidArgument(`Bad key segment '(${text})'.`);
    i = j + 1;
  }
  if (!Object.keys(values).length) throw invalidArgument(`Bad key segment '(${text})'.`);
  return { kind: 'alt', values };
}

/** Splits `set(key)/rest` (the rest may be empty). */
export function splitEntityPath(path: string): { set: string; key?: string; rest?: string } | undefined {
  const m = /^([A-Za-z_$][\w.$]*)(?:\(([^)]*(?:'[^']*'[^)]*)*)\))?(?:\/(.*))?$/.exec(path);
  if (!m) return undefined;
  return { set: m[1], key: m[2], rest: m[3] };
}
