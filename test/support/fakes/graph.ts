// The Graph port in memory: each (mailbox, folder) holds a change log of messages. A round from no cursor
// returns the folder as it is now; a deltaLink returns what changed after it; pages are `pageSize` items,
// chained by nextLink. A link from before expireDeltaState() fails with a sync-state-expired error, as Graph's
// 410 does. `failing` makes every call for a mailbox fail with the given error (401, 503, …).
import type { BatchItemResult, DeltaPage, GraphJson, GraphPort } from '../../../shared/ports';
import { syncStateExpired } from '../../../shared/domain/errors';

export interface FakeGraph extends GraphPort {
  /** A message arrives in (or changes in) a folder. */
  deliver(mailbox: string, folder: string, message: GraphJson): void;
  /** The delta tokens handed out so far stop working. */
  expireDeltaState(): void;
  failing: Map<string, Error>;
  /** Calls to messagesDelta, in order. */
  deltaCalls: { mailbox: string; folder: string; cursor: string | undefined }[];
  /** Test & Enable's access checks, in order. */
  accessCalls: { mailbox: string; check: string }[];
}

/** next/<epoch>/<from>/<upto>/<offset>: a page of the changes in log[from, upto); delta/<epoch>/<upto>/0/0. */
const LINK = /^https:\/\/graph\.fake\/(next|delta)\/(\d+)\/(\d+)\/(\d+)\/(\d+)$/;

const attachmentsOf = (m: GraphJson): GraphJson[] =>
  Array.isArray(m.attachments) ? (m.attachments as GraphJson[]) : [];

export function fakeGraph(
  o: { pageSize?: number; folders?: Record<string, { id: string; displayName: string }[]> } = {},
) {
  const pageSize = o.pageSize ?? 10;
  const logs = new Map<string, GraphJson[]>();
  let epoch = 0;
  const logOf = (mailbox: string, folder: string) => logs.get(`${mailbox}|${folder}`) ?? [];
  const check = (mailbox: string) => {
    const e = g.failing.get(mailbox);
    if (e) throw e;
  };
  /** Changes after `from`, the latest per id; from 0 a round without removals. */
  const changes = (log: GraphJson[], from: number) => {
    const latest = new Map<string, GraphJson>();
    for (const m of log.slice(from)) latest.set(String(m.id), m);
    return [...latest.values()].filter((m) => from > 0 || !m['@removed']);
  };
  const page = (log: GraphJson[], from: number, upto: number, offset: number): DeltaPage => {
    const all = changes(log.slice(0, upto), from);
    const value = all.slice(offset, offset + pageSize).map((m) => structuredClone(m));
    return offset + pageSize < all.length
      ? { value, nextLink: `https://graph.fake/next/${epoch}/${from}/${upto}/${offset + pageSize}` }
      : { value, deltaLink: `https://graph.fake/delta/${epoch}/${upto}/0/0` };
  };
  const find = (mailbox: string, id: string) => {
    for (const [k, log] of logs)
      if (k.startsWith(`${mailbox}|`)) {
        const m = changes(log, 0).find((x) => x.id === id);
        if (m) return m;
      }
    return undefined;
  };
  const g: FakeGraph = {
    failing: new Map(),
    deltaCalls: [],
    accessCalls: [],
    deliver: (mailbox, folder, message) => void logs.set(`${mailbox}|${folder}`, [...logOf(mailbox, folder), message]),
    expireDeltaState: () => void epoch++,
    async messagesDelta(mailbox, folder, cursor) {
      g.deltaCalls.push({ mailbox, folder, cursor });
      check(mailbox);
      const log = logOf(mailbox, folder);
      if (cursor === undefined) return page(log, 0, log.length, 0);
      const m = LINK.exec(cursor);
      if (!m) throw new Error(`not a link this fake handed out: ${cursor}`);
      if (Number(m[2]) !== epoch) throw syncStateExpired('graph', 'delta state expired', { status: 410 });
      const [from, upto, offset] = [Number(m[3]), Number(m[4]), Number(m[5])];
      return m[1] === 'next' ? page(log, from, upto, offset) : page(log, from, log.length, 0);
    },
    async childFolders(mailbox, parent) {
      check(mailbox);
      return o.folders?.[parent] ?? [];
    },
    async getMessage(mailbox, graphId) {
      check(mailbox);
      const m = find(mailbox, graphId);
      if (!m) throw new Error(`404 message ${graphId}`);
      return structuredClone(m);
    },
    async getMessages(mailbox, graphIds) {
      check(mailbox);
      const out = new Map<string, BatchItemResult>();
      for (const id of graphIds) {
        const m = find(mailbox, id);
        out.set(id, m ? { status: 200, body: structuredClone(m) } : { status: 404 });
      }
      return out;
    },
    async checkAccess(mailbox, access) {
      g.accessCalls.push({ mailbox, check: access });
      check(mailbox);
    },
    // A message's `attachments` as delivered: listed without content, read one by one with it.
    async listAttachments(mailbox, graphIds) {
      check(mailbox);
      const out = new Map<string, BatchItemResult>();
      for (const id of graphIds) {
        const m = find(mailbox, id);
        const value = m && attachmentsOf(m).map(({ contentBytes: _c, contentId: _i, ...meta }) => meta);
        out.set(id, value ? { status: 200, body: { value } } : { status: 404 });
      }
      return out;
    },
    async getAttachment(mailbox, graphId, attachmentId) {
      check(mailbox);
      const m = find(mailbox, graphId);
      const a = m && attachmentsOf(m).find((x) => x.id === attachmentId);
      return a ? structuredClone(a) : undefined;
    },
  };
  return g;
}
