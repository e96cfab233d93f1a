// Driving the ACT job of Alice's mailbox over the real pipeline (test/support/pipeline.ts), and changing either
// side between cycles through the simulators' own APIs, as a user in Outlook or Dynamics 365 would.
import { ALICE, ALICE_MAILBOX_ID } from '../../local/tenant/acceptance';
import { createStages } from '../../shared/pipeline/stages';
import { inbound, type TestPipeline } from './pipeline';

let slot = 0;
/** One ACT cycle of Alice's mailbox; it must finish (a failure would have sent a retry to the queue). */
export async function actCycle(p: TestPipeline): Promise<void> {
  const body = { kind: 'act', mailboxId: ALICE_MAILBOX_ID, trigger: 'admin', slot: `t${++slot}` };
  const before = p.sent.length;
  await createStages(p.deps).sync(inbound({ body, messageId: `act-test-${slot}`, sessionId: ALICE_MAILBOX_ID }));
  const retries = p.sent.slice(before);
  if (retries.length) throw new Error(`the ACT cycle did not finish: ${JSON.stringify(retries[0].message.body)}`);
}

const auth = { Authorization: 'Bearer test-token', 'Content-Type': 'application/json' };
async function call(url: string, method: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(url, { method, headers: auth, ...(body ? { body: JSON.stringify(body) } : {}) });
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? {} : ((await res.json()) as Record<string, unknown>);
}

export const graphCall = (p: TestPipeline, path: string, method = 'GET', body?: unknown) =>
  call(`${p.graph.baseUrl}/users/${ALICE}${path}`, method, body);
export const dataverseCall = (p: TestPipeline, path: string, method = 'GET', body?: unknown) =>
  call(`${p.dataverse.baseUrl}${path}`, method, body);

export async function aliceTasks(p: TestPipeline): Promise<{ listId: string; tasks: Record<string, unknown>[] }> {
  const lists = (await graphCall(p, '/todo/lists')).value as { id: string; wellknownListName?: string }[];
  const listId = lists.find((l) => l.wellknownListName === 'defaultList')!.id;
  const tasks = (await graphCall(p, `/todo/lists/${listId}/tasks`)).value as Record<string, unknown>[];
  return { listId, tasks };
}
export const aliceContacts = async (p: TestPipeline) =>
  (await graphCall(p, '/contacts')).value as Record<string, unknown>[];
