import { readFileSync } from 'node:fs';
import type { TenantFixture } from './fixture';
import { Problems, isObject, describe, checkOptional } from './checks';
import { checkDataverse } from './validate-dataverse';
import { checkExchange, checkTimeline } from './validate-exchange';
import { findJsonError } from './json-position';
import { BadInputError } from '../bad-input';
import { closestName } from '../closest-name';

export type TenantValidation = { ok: true; tenant: TenantFixture } | { ok: false; problems: string[] };

// A misspelt top-level key ("dataVerse", "timeLine") would otherwise be ignored and the run would start
// from an empty tenant without a word. Keys starting with $ ($schema, $comment) are for editors.
const TOP_LEVEL = ['now', 'dataverse', 'exchange', 'timeline'];

/** Checks a parsed tenant fixture (docs/tenant-fixtures-and-dumps.md) and lists every problem with its JSON path. */
export function validateTenant(raw: unknown): TenantValidation {
  const p = new Problems();
  if (!isObject(raw)) return { ok: false, problems: [`(root): expected a tenant object, got ${describe(raw)}`] };
  for (const key of Object.keys(raw))
    if (!TOP_LEVEL.includes(key) && !key.startsWith('$')) {
      const likely = closestName(key, TOP_LEVEL);
      p.add(
        key,
        `expected a top-level key of ${TOP_LEVEL.join(', ')}, got ${describe(key)}${likely ? ` (did you mean ${likely}?)` : ''}`,
      );
    }
  if ('now' in raw) checkOptional(p, raw, '', 'now', 'date');
  if (!('dataverse' in raw))
    p.add('dataverse', `expected an object of entity sets ({} for an empty environment), got ${describe(undefined)}`);
  else checkDataverse(p, raw.dataverse);
  if (!('exchange' in raw))
    p.add('exchange', `expected an object keyed by mailbox address ({} for no mailboxes), got ${describe(undefined)}`);
  const mailboxes = 'exchange' in raw ? checkExchange(p, raw.exchange) : new Set<string>();
  if ('timeline' in raw) checkTimeline(p, raw.timeline, mailboxes);
  return p.list.length ? { ok: false, problems: p.list } : { ok: true, tenant: raw as unknown as TenantFixture };
}

/** Reads and validates a fixture file; throws one BadInputError naming the file and every problem in it. */
export function loadTenantFile(path: string): TenantFixture {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new BadInputError(`tenant fixture ${path}: cannot read: ${(e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    const at = findJsonError(text);
    const where = at ? `line ${at.line}, column ${at.column}: ${at.message}` : (e as Error).message;
    throw new BadInputError(`tenant fixture ${path}: not valid JSON: ${where}`);
  }
  const result = validateTenant(raw);
  if (!result.ok) {
    const n = result.problems.length;
    throw new BadInputError(
      `tenant fixture ${path}: ${n} problem${n === 1 ? '' : 's'}:\n  ${result.problems.join('\n  ')}`,
    );
  }
  return result.tenant;
}
