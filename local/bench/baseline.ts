// A naive SSS-like baseline for `exsync bench`: each mailbox is polled 5 minutes after its last cycle ended
// (SSS's normal interval), its Inbox and Sent Items read through Graph delta, and every item it finds costs one
// Dataverse request (a create, duplicate-safe by an id derived from the Message-ID), a fixed number of mailboxes
// at a time, Retry-After honoured. It does no filtering, correlation or party resolution: less work per item
// than SSS does, so its CPU figure flatters it.
import { createHash } from 'node:crypto';
import type { ScaledClock } from '../clock';
import type { FixtureMessage, TenantFixture } from '../tenant/fixture';

export interface BaselineOptions {
  graphUrl: string;
  dataverseUrl: string;
  clock: ScaledClock;
  mailboxes: string[];
  /** Mailboxes synced at once (SSS: a fixed number of connections per server profile). */
  concurrency?: number;
  pollMs?: number;
  token?: string;
}

const FOLDERS = ['inbox', 'sentitems'] as const;
const SELECT = 'id,internetMessageId,subject,from,toRecipients,ccRecipients,receivedDateTime';
type Item = FixtureMessage & { '@removed'?: unknown };

/** A GUID from the Message-ID (or item id), so a second create of the same email is refused, not duplicated. */
function activityIdOf(key: string): string {
  const h = createHash('sha256').update(key.toLowerCase()).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const address = (r: unknown): string | undefined =>
  (r as { emailAddress?: { address?: string } } | undefined)?.emailAddress?.address;

/** The one Dataverse request of an item: the email with its parties as the addresses Exchange gave. */
export function baselineEmailBody(item: FixtureMessage, folder: string): Record<string, unknown> {
  const key = item.internetMessageId ?? item.id ?? '';
  const parties = [
    { participationtypemask: 1, addressused: address(item.from) },
    ...((item.toRecipients as unknown[]) ?? []).map((r) => ({ participationtypemask: 2, addressused: address(r) })),
    ...((item.ccRecipients as unknown[]) ?? []).map((r) => ({ participationtypemask: 3, addressused: address(r) })),
  ].filter((p) => p.addressused);
  return {
    activityid: activityIdOf(key),
    subject: typeof item.subject === 'string' ? item.subject.slice(0, 800) : '',
    ...(item.internetMessageId ? { messageid: item.internetMessageId.slice(0, 320) } : {}),
    directioncode: folder === 'sentitems',
    email_activity_parties: parties,
  };
}

export class NaiveBaseline {
  private readonly links = new Map<string, string>();
  private readonly dueAt = new Map<string, number>();
  private waitUntil = 0;
  readonly requests = { graph: 0, dataverse: 0, throttled: 0, failed: 0 };
  constructor(private readonly o: BaselineOptions) {}

  /** Every mailbox that is due, a fixed number at a time; returns the items seen. */
  async tick(): Promise<number> {
    const now = this.o.clock.now().getTime();
    const due = this.o.mailboxes.filter((m) => (this.dueAt.get(m) ?? 0) <= now);
    let seen = 0;
    let next = 0;
    const worker = async () => {
      while (next < due.length) {
        const m = due[next++];
        const n = await this.cycle(m); // not `seen += await …`: that reads `seen` before the wait
        seen += n;
        this.dueAt.set(m, this.o.clock.now().getTime() + (this.o.pollMs ?? 300_000));
      }
    };
    await Promise.all(Array.from({ length: this.o.concurrency ?? 8 }, worker));
    return seen;
  }

  private async cycle(mailbox: string): Promise<number> {
    let n = 0;
    for (const folder of FOLDERS) {
      for (const item of await this.changes(mailbox, folder)) {
        if (item['@removed']) continue;
        await this.write(item, folder);
        n++;
      }
    }
    return n;
  }

  private async changes(mailbox: string, folder: string): Promise<Item[]> {
    const key = `${mailbox}|${folder}`;
    let url =
      this.links.get(key) ??
      `${this.o.graphUrl}/users/${encodeURIComponent(mailbox)}/mailFolders/${folder}/messages/delta?$select=${SELECT}`;
    const items: Item[] = [];
    for (;;) {
      const page = (await this.send('graph', url, { headers: { Prefer: 'odata.maxpagesize=50' } })) as {
        value: Item[];
        '@odata.nextLink'?: string;
        '@odata.deltaLink'?: string;
      };
      items.push(...page.value);
      if (page['@odata.nextLink']) url = page['@odata.nextLink'];
      else {
        if (page['@odata.deltaLink']) this.links.set(key, page['@odata.deltaLink']);
        return items;
      }
    }
  }

  private async write(item: Item, folder: string): Promise<void> {
    await this.send('dataverse', `${this.o.dataverseUrl}/emails`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'OData-Version': '4.0', 'OData-MaxVersion': '4.0' },
      body: JSON.stringify(baselineEmailBody(item, folder)),
    });
  }

  /** One request, again after Retry-After while throttled; a refusal (e.g. already created) is counted, not retried. */
  private async send(system: 'graph' | 'dataverse', url: string, init: RequestInit): Promise<unknown> {
    for (;;) {
      this.requests[system]++;
      const sentAt = this.o.clock.now().getTime();
      const headers = { Accept: 'application/json', Authorization: `Bearer ${this.o.token ?? 'bench-baseline'}` };
      const res = await fetch(url, { ...init, headers: { ...headers, ...(init.headers as Record<string, string>) } });
      const text = await res.text();
      if (res.status === 429 || res.status === 503) {
        this.requests.throttled++;
        // Wait to an instant, not for a span: workers throttled together wait once, as real ones would.
        const until = sentAt + 1000 * (Number(res.headers.get('retry-after')) || 5);
        this.waitUntil = Math.max(this.waitUntil, until);
        this.o.clock.advance(Math.max(0, this.waitUntil - this.o.clock.now().getTime()));
        continue;
      }
      if (!res.ok) {
        if (system === 'graph') throw new Error(`baseline: Graph answered ${res.status} for ${url}`);
        if (res.status !== 412) this.requests.failed++;
        return undefined;
      }
      return text ? JSON.parse(text) : undefined;
    }
  }
}

/** The baseline's own CPU per email apart from I/O (its request body from the Graph item), as bench-engine.ts measures ours. */
export function baselineMicrosPerEmail(t: TenantFixture): number {
  const items: [FixtureMessage, string][] = [];
  for (const box of Object.values(t.exchange))
    for (const f of box.mailFolders)
      for (const m of f.messages ?? []) items.push([m, f.wellKnownName === 'sentitems' ? 'sentitems' : 'inbox']);
  const run = () => {
    for (const [m, folder] of items) JSON.stringify(baselineEmailBody(m, folder));
  };
  run(); // warm-up
  const before = process.cpuUsage();
  const rounds = 5;
  for (let r = 0; r < rounds; r++) run();
  const used = process.cpuUsage(before);
  return items.length ? Number(((used.user + used.system) / (rounds * items.length)).toFixed(2)) : 0;
}
