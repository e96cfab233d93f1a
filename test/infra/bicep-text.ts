// Reads Bicep (and the trigger registrations in functions/*.ts) as text for the infra drift tests; no
// compiler needed. Strings and comments are masked first, so braces inside KQL or URLs never confuse the
// block matching, and a commented-out line never counts as declared.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const root = join(__dirname, '..', '..', '..');
export const readText = (rel: string): string => readFileSync(join(root, rel), 'utf8');

/** Same length as `text`: comments become spaces, string contents become '_' (quotes kept). */
export function mask(text: string): string {
  const out = text.split('');
  let i = 0;
  const blank = (from: number, to: number, ch: string) => {
    for (let k = from; k < to; k++) if (out[k] !== '\n') out[k] = ch;
  };
  while (i < text.length) {
    if (text.startsWith('//', i)) {
      const end = text.indexOf('\n', i);
      const to = end < 0 ? text.length : end;
      blank(i, to, ' ');
      i = to;
    } else if (text.startsWith('/*', i)) {
      const to = text.indexOf('*/', i) + 2;
      blank(i, to, ' ');
      i = to;
    } else if (text.startsWith("'''", i)) {
      const to = text.indexOf("'''", i + 3);
      blank(i + 3, to, '_');
      i = to + 3;
    } else if (text[i] === "'" || text[i] === '`') {
      const q = text[i]!;
      let j = i + 1;
      while (j < text.length && text[j] !== q) j += text[j] === '\\' ? 2 : 1;
      blank(i + 1, j, '_');
      i = j + 1;
    } else i++;
  }
  return out.join('');
}

/** Text with comments removed (strings intact): the input for the regexes below. */
export function code(text: string): string {
  const m = mask(text);
  return text
    .split('')
    .map((c, k) => (m[k] === ' ' && c !== ' ' && c !== '\n' ? ' ' : c))
    .join('');
}

/** The balanced {...} or [...] that opens at or after `from`, brackets inside strings ignored. */
export function balancedFrom(text: string, from: number): string {
  const m = mask(text);
  const start = m.slice(from).search(/[{[]/) + from;
  if (start < from) throw new Error(`no block after offset ${from}`);
  let depth = 0;
  for (let k = start; k < m.length; k++) {
    if (m[k] === '{' || m[k] === '[') depth++;
    else if (m[k] === '}' || m[k] === ']') depth--;
    if (depth === 0) return text.slice(start, k + 1);
  }
  throw new Error(`unbalanced block at offset ${start}`);
}

/** Every block whose header matches `header` (a global regex), e.g. /resource \w+ 'Microsoft.X@[^']+' =/g. */
export function blocks(text: string, header: RegExp): { header: RegExpExecArray; body: string }[] {
  const src = code(text);
  return [...src.matchAll(header)].map((h) => ({
    header: h as RegExpExecArray,
    body: balancedFrom(src, h.index! + h[0].length),
  }));
}

/** Non-`existing` resources of a type (any API version). */
export function resources(text: string, type: string): { symbol: string; body: string }[] {
  const re = new RegExp(`resource (\\w+) '${type.replace(/[./]/g, '\\$&')}@[^']+'\\s*=`, 'g'); // 'existing' sits before '='
  return blocks(text, re).map((b) => ({ symbol: b.header[1]!, body: b.body }));
}

/** `name: 'X'` values directly written in a block, in order. */
export const quotedNames = (body: string): string[] => [...body.matchAll(/\bname:\s*'([^']*)'/g)].map((m) => m[1]!);

/** The raw expression after `key:` on its line (`requiresSession: true` -> 'true'). */
export function prop(body: string, key: string): string | undefined {
  return new RegExp(`(?:^|[\\s{,])${key}:\\s*([^\\n,}]+)`).exec(body)?.[1]?.trim();
}

/** `var x = 'a'` / `var x = 10` / `var x = { k: 'v' }` (flat objects) in a file. */
export function bicepVar(text: string, name: string): unknown {
  const src = code(text);
  const m = new RegExp(`\\bvar ${name}\\s*=\\s*`).exec(src);
  if (!m) return undefined;
  const rest = src.slice(m.index + m[0].length);
  if (rest.startsWith('{')) {
    const body = balancedFrom(src, m.index + m[0].length);
    return Object.fromEntries(
      [...body.matchAll(/(\w+):\s*('[^']*'|\d+|true|false)/g)].map((p) => [p[1], literal(p[2]!)]),
    );
  }
  if (rest.startsWith('['))
    return [...balancedFrom(src, m.index + m[0].length).matchAll(/'([^']*)'/g)].map((p) => p[1]);
  return literal(/^[^\n]+/.exec(rest)![0].trim());
}

export function literal(expr: string): unknown {
  if (/^'.*'$/.test(expr)) return expr.slice(1, -1);
  if (/^-?\d+$/.test(expr)) return Number(expr);
  if (expr === 'true' || expr === 'false') return expr === 'true';
  return undefined;
}

/** A literal, or a `var`/`var.member` of the same file, resolved; undefined when it is anything else. */
export function resolve(text: string, expr: string | undefined): unknown {
  if (expr === undefined) return undefined;
  const lit = literal(expr);
  if (lit !== undefined) return lit;
  const [v, member] = expr.split('.');
  const value = bicepVar(text, v!);
  return member ? (value as Record<string, unknown> | undefined)?.[member] : value;
}

export interface BicepParam {
  name: string;
  type: string;
  defaultExpr?: string;
  decorators: string;
}
/** `param name type [= default]` with the decorators written above it. */
export function params(text: string): BicepParam[] {
  const src = code(text);
  const out: BicepParam[] = [];
  const re = /((?:^@[^\n]*\n)*)^param (\w+) ([\w[\]]+)(?:\s*=\s*([^\n]+))?$/gm;
  for (const m of src.matchAll(re))
    out.push({ decorators: m[1]!, name: m[2]!, type: m[3]!, defaultExpr: m[4]?.trim() });
  return out;
}

/** `@minValue(n)` / `@maxValue(n)` of a parameter. */
export function bound(p: BicepParam, which: 'minValue' | 'maxValue'): number | undefined {
  const m = new RegExp(`@${which}\\((-?\\d+)\\)`).exec(p.decorators);
  return m ? Number(m[1]) : undefined;
}
