// Column indexes for $filter, so lookups do not scan the whole entity set. The product looks emails up per
// delta page (messageid / trackingtoken In(…), startswith(conversationindex, …)) and parties by their email
// columns; with tens of thousands of emails a scan per query made a run quadratic. An index only narrows the
// rows: each candidate still goes through the full filter `test`, in the table's order, so the answer is
// exactly what a scan gives. Filters the index cannot narrow (or whose evaluation could throw) are scanned.
import type { Expr } from './filter';
import type { Row } from './store';

/** Same test as compareValues: ISO-looking strings on both sides compare as dates, not text. */
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const FUNCTIONS = new Set(['contains', 'startswith', 'endswith', 'in', 'notin', 'null', 'notnull']);

const fnName = (e: Extract<Expr, { kind: 'call' }>): string =>
  e.name.replace(/^Microsoft\.Dynamics\.CRM\./i, '').toLowerCase();

/** A string literal an equality can be looked up by (lower-cased text equality is then exactly what `eq` does). */
function textLiteral(e: Expr | undefined): string | undefined {
  return e?.kind === 'lit' && typeof e.value === 'string' && !ISO.test(e.value) ? e.value.toLowerCase() : undefined;
}

/** `In(PropertyName='c', PropertyValues=[…])` as callFn reads it, or undefined when it is malformed. */
function inArgs(e: Extract<Expr, { kind: 'call' }>): { column: string; values: Expr[] } | undefined {
  const pn = e.named?.PropertyName;
  const pv = e.named?.PropertyValues;
  return pn?.kind === 'lit' && typeof pn.value === 'string' && pv?.kind === 'list'
    ? { column: pn.value, values: pv.items }
    : undefined;
}

/**
 * Whether evaluating `e` could throw (unknown function, malformed In). Skipping rows must not skip an error
 * a scan would have raised, so such filters are always scanned.
 */
function mayThrow(e: Expr): boolean {
  switch (e.kind) {
    case 'cmp':
    case 'and':
    case 'or':
      return mayThrow(e.left) || mayThrow(e.right);
    case 'not':
      return mayThrow(e.expr);
    case 'list':
      return e.items.some(mayThrow);
    case 'call': {
      const name = fnName(e);
      if (!FUNCTIONS.has(name) || ((name === 'in' || name === 'notin') && !inArgs(e))) return true;
      return e.args.some(mayThrow) || Object.values(e.named ?? {}).some(mayThrow);
    }
    default:
      return false;
  }
}

/** One column of one set: lower-cased string value -> row keys. */
class ColumnIndex {
  private readonly byValue = new Map<string, Set<string>>();
  /** Rows whose value is not a string (numbers, booleans compare by other rules): always candidates. */
  private readonly other = new Set<string>();
  /** Distinct values in code-unit order, for startswith; built on first use, then kept up to date. */
  private sorted: string[] | undefined;

  constructor(readonly column: string) {}

  add(key: string, row: Row | undefined): void {
    const v = row?.values[this.column];
    if (v === null || v === undefined) return; // null matches neither eq 'x', In nor startswith
    if (typeof v !== 'string') {
      this.other.add(key);
      return;
    }
    const text = v.toLowerCase();
    const keys = this.byValue.get(text);
    if (keys) {
      keys.add(key);
      return;
    }
    this.byValue.set(text, new Set([key]));
    if (this.sorted) this.sorted.splice(lowerBound(this.sorted, text), 0, text);
  }

  remove(key: string, row: Row | undefined): void {
    const v = row?.values[this.column];
    if (v === null || v === undefined) return;
    if (typeof v !== 'string') {
      this.other.delete(key);
      return;
    }
    const text = v.toLowerCase();
    const keys = this.byValue.get(text);
    if (!keys?.delete(key) || keys.size) return;
    this.byValue.delete(text);
    if (this.sorted) this.sorted.splice(lowerBound(this.sorted, text), 1);
  }

  equal(values: string[], out: Set<string>): void {
    for (const v of values) for (const k of this.byValue.get(v) ?? []) out.add(k);
    for (const k of this.other) out.add(k);
  }

  prefixed(prefix: string, out: Set<string>): void {
    const sorted = (this.sorted ??= [...this.byValue.keys()].sort());
    for (let i = lowerBound(sorted, prefix); i < sorted.length && sorted[i].startsWith(prefix); i++) {
      for (const k of this.byValue.get(sorted[i])!) out.add(k);
    }
    for (const k of this.other) out.add(k);
  }
}

function lowerBound(xs: string[], x: string): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The indexes of one entity set, kept in step with its table by EntityStore (rows are replaced on write, never
 * changed in place, which the undo journal relies on too). `order` mirrors the table Map's insertion order:
 * a new key goes last, an overwrite keeps its place, a delete forgets it.
 */
export class SetIndex {
  private readonly columns = new Map<string, ColumnIndex>();
  private readonly order = new Map<string, number>();
  private next = 0;

  constructor(private readonly table: Map<string, Row>) {
    for (const key of table.keys()) this.order.set(key, this.next++);
  }

  /** Called after the table changed `key` from `before` to `after` (undefined = absent). */
  changed(key: string, before: Row | undefined, after: Row | undefined): void {
    if (!before && after) this.order.set(key, this.next++);
    if (before && !after) this.order.delete(key);
    for (const c of this.columns.values()) {
      c.remove(key, before);
      c.add(key, after);
    }
  }

  /** Rows that can match `filter`, in table order; undefined when the filter needs a scan. */
  candidates(filter: Expr): Row[] | undefined {
    if (mayThrow(filter)) return undefined;
    const keys = this.keysFor(filter);
    if (!keys) return undefined;
    return [...keys].sort((a, b) => this.order.get(a)! - this.order.get(b)!).map((k) => this.table.get(k)!);
  }

  private column(name: string): ColumnIndex {
    let c = this.columns.get(name);
    if (!c) {
      this.columns.set(name, (c = new ColumnIndex(name)));
      for (const [key, row] of this.table) c.add(key, row);
    }
    return c;
  }

  /** A superset of the keys whose rows match `e`, or undefined when no index narrows it. */
  private keysFor(e: Expr): Set<string> | undefined {
    switch (e.kind) {
      case 'and': {
        const l = this.keysFor(e.left);
        const r = this.keysFor(e.right);
        return !l ? r : !r ? l : l.size <= r.size ? l : r;
      }
      case 'or': {
        const l = this.keysFor(e.left);
        const r = l && this.keysFor(e.right);
        if (!l || !r) return undefined;
        for (const k of r) l.add(k);
        return l;
      }
      case 'cmp': {
        if (e.op !== 'eq') return undefined;
        const [prop, lit] = e.left.kind === 'prop' ? [e.left, e.right] : [e.right, e.left];
        const text = textLiteral(lit);
        return prop.kind === 'prop' && text !== undefined ? this.lookup(prop.name, [text]) : undefined;
      }
      case 'call':
        return this.callKeys(e);
      default:
        return undefined;
    }
  }

  private callKeys(e: Extract<Expr, { kind: 'call' }>): Set<string> | undefined {
    const name = fnName(e);
    if (name === 'in') {
      const args = inArgs(e);
      if (!args) return undefined;
      const texts = args.values.map(textLiteral);
      return texts.every((t) => t !== undefined) ? this.lookup(args.column, texts) : undefined;
    }
    if (name === 'startswith' && e.args.length === 2) {
      const [col, lit] = e.args;
      if (col.kind !== 'prop' || lit.kind !== 'lit' || typeof lit.value !== 'string') return undefined;
      // LIKE wildcards: the text before the first one narrows the rows; the full test does the rest.
      const out = new Set<string>();
      this.column(col.name).prefixed(lit.value.toLowerCase().split(/[%_[]/)[0], out);
      return out;
    }
    return undefined;
  }

  private lookup(column: string, texts: string[]): Set<string> {
    const out = new Set<string>();
    this.column(column).equal(texts, out);
    return out;
  }
}
