// Contacts and To Do tasks through Graph for the ACT job: delta of the default contacts folder
// (learn.microsoft.com/graph/api/contact-delta) and of the default To Do list (todotask-delta), create, update
// and delete, all with immutable ids. Needs Contacts.ReadWrite and Tasks.ReadWrite.All.
import type { ActExchangePort } from '../../ports-act';
import type { ActWorkload } from '../../domain/act/types';
import { isKind, permanent, transient } from '../../domain/errors';
import { asDeltaPage, asObject } from './answers';
import { changeKeyOf } from '../../domain/act/exchange-item';
import { follow, openSession, type GraphClientOptions, type GraphSession } from './client';

const IMMUTABLE_IDS = 'IdType="ImmutableId"';
const user = (mailbox: string) => `/users/${encodeURIComponent(mailbox)}`;
const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);

export function createGraphAct(o: GraphClientOptions): ActExchangePort {
  const g = openSession(o);
  const lists = new Map<string, string>();
  const collection = async (mailbox: string, workload: ActWorkload): Promise<string> => {
    if (workload === 'contact') return `${user(mailbox)}/contacts`;
    if (workload === 'task')
      return `${user(mailbox)}/todo/lists/${encodeURIComponent(await defaultList(g, mailbox, lists))}/tasks`;
    throw permanent('graph', `no Exchange collection for ${workload}`);
  };
  const route = (workload: ActWorkload, op: string) => `${workload === 'task' ? 'todo.tasks' : 'contacts'}.${op}`;
  return {
    async delta(mailbox, workload, cursor) {
      const path = cursor ? follow(g.root, cursor, 'stored link') : `${await collection(mailbox, workload)}/delta`;
      const prefer = `odata.maxpagesize=${g.pageSize}, ${IMMUTABLE_IDS}`;
      const page = asDeltaPage(
        await g.call<unknown>(route(workload, 'delta'), () => g.client.api(path).header('Prefer', prefer).get()),
      );
      if (!page.nextLink && !page.deltaLink) throw transient('graph', 'Graph delta page without nextLink or deltaLink');
      follow(g.root, page.nextLink ?? page.deltaLink, page.nextLink ? 'nextLink' : 'deltaLink');
      return page;
    },
    async create(mailbox, workload, body) {
      const path = await collection(mailbox, workload);
      const r = asObject(
        await g.call<unknown>(route(workload, 'create'), () =>
          g.client.api(path).header('Prefer', IMMUTABLE_IDS).post(body),
        ),
      );
      const id = str(r?.id);
      if (!id) throw transient('graph', 'Graph create answered without an id');
      return { id, changeKey: changeKeyOf(r) };
    },
    async update(mailbox, workload, id, body) {
      const path = `${await collection(mailbox, workload)}/${encodeURIComponent(id)}`;
      const r = asObject(
        await g.call<unknown>(route(workload, 'update'), () =>
          g.client.api(path).header('Prefer', IMMUTABLE_IDS).patch(body),
        ),
      );
      return { changeKey: changeKeyOf(r) };
    },
    async remove(mailbox, workload, id) {
      const path = `${await collection(mailbox, workload)}/${encodeURIComponent(id)}`;
      try {
        await g.call<unknown>(route(workload, 'delete'), () =>
          g.client.api(path).header('Prefer', IMMUTABLE_IDS).delete(),
        );
      } catch (e) {
        if (!(isKind(e, 'permanent') && (e as { status?: number }).status === 404)) throw e;
      }
    },
  };
}

async function defaultList(g: GraphSession, mailbox: string, cache: Map<string, string>): Promise<string> {
  const hit = cache.get(mailbox);
  if (hit) return hit;
  const r = asObject(await g.call<unknown>('todo.lists', () => g.client.api(`${user(mailbox)}/todo/lists`).get()));
  const all = Array.isArray(r?.value) ? (r.value as Record<string, unknown>[]) : [];
  const id = str(all.find((l) => l.wellknownListName === 'defaultList')?.id) ?? str(all[0]?.id);
  if (!id) throw permanent('graph', 'the mailbox has no To Do list');
  cache.set(mailbox, id);
  return id;
}
