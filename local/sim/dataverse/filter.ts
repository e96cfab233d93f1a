// The OData $filter subset Dataverse clients use, parsed to a small AST and evaluated against rows.
// String comparison is case-insensitive, as SQL Server's default collation makes it on the real service.
import { type DataverseError, invalidArgument } from './errors';

export { compareValues, likePattern, test } from './filter-evaluate';

export type Value = string | number | boolean | null;
export type Expr =
  | { kind: 'lit'; value: Value; guid?: boolean }
  | { kind: 'prop'; name: string }
  | { kind: 'list'; items: Expr[] }
  | { kind: 'cmp'; op: CmpOp; left: Expr; right: Expr }
  | { kind: 'and' | 'or'; left: Expr; right: Expr }
  | { kind: 'not'; expr: Expr }
  | { kind: 'call'; name: string; args: Expr[]; named?: Record<string, Expr> };
type CmpOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
const CMP = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);

type Token = { t: 'str' | 'num' | 'guid' | 'date' | 'id' | 'sym'; v: string };

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/;
const DATE = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?/;
const NUM = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?[mMdDfFlL]?/;
const IDENT = /^[A-Za-z_$][\w.@/]*/;

const syntax = (msg: string): DataverseError => invalidArgument(`Syntax error in $filter: ${msg}`);

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const rest = src.slice(i);
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if ('(),[]='.includes(c)) {
      out.push({ t: 'sym', v: c });
      i++;
      continue;
    }
    if (c === "'") {
      let s = '';
      let j = i + 1;
      for (;;) {
        if (j >= src.length) throw syntax('unterminated string literal');
        if (src[j] === "'") {
          if (src[j + 1] === "'") {
            s += "'";
            j += 2;
            continue;
          }
          break;
        }
        s += src[j++];
      }
      out.push({ t: 'str', v: s });
      i = j + 1;
      continue;
    }
    const m = GUID.exec(rest) ?? null;
    if (m) {
      out.push({ t: 'guid', v: m[0].toLowerCase() });
      i += m[0].length;
      continue;
    }
    const d = DATE.exec(rest);
    if (d && d[0].length > 4 && /[-T]/.test(d[0])) {
      out.push({ t: 'date', v: d[0] });
      i += d[0].length;
      continue;
    }
    const n = NUM.exec(rest);
    if (n) {
      out.push({ t: 'num', v: n[0].replace(/[mMdDfFlL]$/, '') });
      i += n[0].length;
      continue;
    }
    const id = IDENT.exec(rest);
    if (id) {
      out.push({ t: 'id', v: id[0] });
      i += id[0].length;
      continue;
    }
    throw syntax(`unexpected character '${c}' at position ${i}`);
  }
  return out;
}

class Parser {
  private i = 0;
  constructor(private readonly toks: Token[]) {}
  parse(): Expr {
    const e = this.or();
    if (this.i < this.toks.length) throw syntax(`unexpected '${this.toks[this.i].v}'`);
    return e;
  }
  private peek(): Token | undefined {
    return this.toks[this.i];
  }
  private isWord(w: string): boolean {
    const t = this.peek();
    return t?.t === 'id' && t.v.toLowerCase() === w;
  }
  private expect(sym: string): void {
    const t = this.toks[this.i++];
    if (!t || t.t !== 'sym' || t.v !== sym) throw syntax(`expected '${sym}'`);
  }
  private or(): Expr {
    let left = this.and();
    while (this.isWord('or')) {
      this.i++;
      left = { kind: 'or', left, right: this.and() };
    }
    return left;
  }
  private and(): Expr {
    let left = this.unary();
    while (this.isWord('and')) {
      this.i++;
      left = { kind: 'and', left, right: this.unary() };
    }
    return left;
  }
  private unary(): Expr {
    if (this.isWord('not')) {
      this.i++;
      return { kind: 'not', expr: this.unary() };
    }
    const left = this.primary();
    const t = this.peek();
    if (t?.t === 'id' && CMP.has(t.v.toLowerCase())) {
      this.i++;
      return { kind: 'cmp', op: t.v.toLowerCase() as CmpOp, left, right: this.primary() };
    }
    return left;
  }
  private primary(): Expr {
    const t = this.toks[this.i++];
    if (!t) throw syntax('unexpected end of expression');
    if (t.t === 'sym' && t.v === '(') {
      const e = this.or();
      this.expect(')');
      return e;
    }
    if (t.t === 'sym' && t.v === '[') {
      const items: Expr[] = [];
      while (!(this.peek()?.t === 'sym' && this.peek()?.v === ']')) {
        items.push(this.primary());
        if (this.peek()?.v === ',') this.i++;
      }
      this.i++;
      return { kind: 'list', items };
    }
    if (t.t === 'str') return { kind: 'lit', value: t.v };
    if (t.t === 'date') return { kind: 'lit', value: t.v };
    if (t.t === 'guid') return { kind: 'lit', value: t.v, guid: true };
    if (t.t === 'num') return { kind: 'lit', value: Number(t.v) };
    if (t.t === 'id') {
      const w = t.v.toLowerCase();
      if (w === 'null') return { kind: 'lit', value: null };
      if (w === 'true' || w === 'false') return { kind: 'lit', value: w === 'true' };
      if (this.peek()?.v === '(') return this.call(t.v);
      return { kind: 'prop', name: t.v };
    }
    throw syntax(`unexpected '${t.v}'`);
  }
  private call(name: string): Expr {
    this.expect('(');
    const args: Expr[] = [];
    const named: Record<string, Expr> = {};
    while (!(this.peek()?.t === 'sym' && this.peek()?.v === ')')) {
      const t = this.peek();
      if (t?.t === 'id' && this.toks[this.i + 1]?.v === '=') {
        this.i += 2;
        named[t.v] = this.primary();
      } else args.push(this.or());
      if (this.peek()?.v === ',') this.i++;
      else if (this.peek()?.v !== ')') throw syntax(`expected ',' or ')' in ${name}(…)`);
    }
    this.i++;
    return { kind: 'call', name, args, named };
  }
}

export function parseFilter(src: string): Expr {
  return new Parser(tokenize(src)).parse();
}

/** Every property name the expression reads (for "Could not find a property" validation). */
export function propertiesOf(e: Expr, out: string[] = []): string[] {
  switch (e.kind) {
    case 'prop':
      out.push(e.name);
      break;
    case 'cmp':
    case 'and':
    case 'or':
      propertiesOf(e.left, out);
      propertiesOf(e.right, out);
      break;
    case 'not':
      propertiesOf(e.expr, out);
      break;
    case 'list':
      e.items.forEach((x) => propertiesOf(x, out));
      break;
    case 'call': {
      e.args.forEach((x) => propertiesOf(x, out));
      const pn = e.named?.PropertyName;
      if (pn?.kind === 'lit' && typeof pn.value === 'string') out.push(pn.value);
      break;
    }
    default:
      break;
  }
  return out;
}
