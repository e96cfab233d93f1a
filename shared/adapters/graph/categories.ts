// Setting a message's categories through Graph (learn.microsoft.com/graph/api/message-update): PATCH
// /users/{id}/messages/{id} with the whole list, 20 to a JSON $batch. Needs Mail.ReadWrite.
import type { CategoryUpdate, MessageCategoriesPort } from '../../ports-categories';
import type { BatchItemResult } from '../../ports';
import { batchItemWaitMs } from './errors';
import { asBatchItems } from './answers';
import { openSession, type GraphClientOptions } from './client';

const BATCH_LIMIT = 20;
const messageUrl = (mailbox: string, id: string) =>
  `/users/${encodeURIComponent(mailbox)}/messages/${encodeURIComponent(id)}`;

export function createGraphCategories(o: GraphClientOptions): MessageCategoriesPort {
  const g = openSession(o);
  return {
    async setCategories(mailbox: string, updates: CategoryUpdate[]) {
      const out = new Map<string, BatchItemResult>();
      for (let i = 0; i < updates.length; i += BATCH_LIMIT) {
        const chunk = updates.slice(i, i + BATCH_LIMIT);
        const requests = chunk.map((u, n) => ({
          id: String(n + 1),
          method: 'PATCH',
          url: messageUrl(mailbox, u.graphId),
          headers: { 'Content-Type': 'application/json' },
          body: { categories: u.categories },
        }));
        const res = await g.call<unknown>('messages.categorize', () => g.client.api('/$batch').post({ requests }));
        for (const r of asBatchItems(res)) {
          const u = chunk[Number(r.id) - 1];
          if (!u) continue;
          const status = Number(r.status);
          const wait = batchItemWaitMs(status, (r.headers ?? {}) as Record<string, string>, o.clock.now());
          out.set(u.graphId, { status, ...(wait !== undefined ? { retryAfterMs: wait } : {}) });
        }
      }
      return out;
    },
  };
}
