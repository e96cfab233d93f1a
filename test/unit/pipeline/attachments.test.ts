// Issue point "Attachments both ways", incoming half: the write stage stores an email's attachments over
// in-memory fakes of Graph and Dataverse, within the organization's limits, and a retry adds no second copy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStages } from '../../../shared/pipeline/stages';
import { QUEUES } from '../../../shared/ports';
import type { WriteEntry } from '../../../shared/domain/jobs';
import { attachmentRowId } from '../../../shared/domain/attachments';
import { delivered, fakePipeline, promotedEntry, userMailbox, writeBatchOf } from '../../support/fakes';

const ALICE = userMailbox('mbx-alice', 'alice@contoso.com', 'user-alice');
const bytes = (n: number) => Buffer.alloc(n, 7).toString('base64');
const fileAtt = (id: string, name: string, size: number, over: Record<string, unknown> = {}) => ({
  '@odata.type': '#microsoft.graph.fileAttachment',
  id,
  name,
  contentType: 'application/pdf',
  size,
  isInline: false,
  contentBytes: bytes(size),
  ...over,
});

const entry = (n: number) =>
  promotedEntry(ALICE, n, { description: '<img src="cid:logo@contoso">', attachments: true });
const batch = (entries: WriteEntry[], batchId = 'b1') => writeBatchOf(ALICE, entries, batchId);

function setup(limits = { maxBytes: 1000, blocked: ['exe'] }) {
  const p = fakePipeline({ mailboxes: [ALICE] });
  p.dataverse.org.org.attachments = limits;
  p.graph.deliver(ALICE.address, 'inbox', {
    id: 'g1',
    attachments: [
      fileAtt('a1', 'at-limit.pdf', 1000),
      fileAtt('a2', 'over.pdf', 1001),
      fileAtt('a3', 'tool.EXE', 10),
      fileAtt('a4', 'logo.png', 20, { contentType: 'image/png', isInline: true, contentId: 'logo@contoso' }),
    ],
  });
  return { ...p, stages: createStages(p.deps) };
}

test('Attachments both ways: the write stage stores the kept files as attachment rows, inline images with their Content-ID, and marks the email notifications = 1', async () => {
  const { stages, dataverse, deps } = setup();
  await stages.write(delivered({ body: batch([entry(1)]), messageId: 'b1' }));
  const rows = [...dataverse.attachments.values()];
  assert.deepEqual(rows.map((r) => r.filename).sort(), ['at-limit.pdf', 'logo.png']);
  const logo = rows.find((r) => r.filename === 'logo.png')!;
  assert.equal(logo.attachmentcontentid, 'logo@contoso');
  assert.equal(logo.mimetype, 'image/png');
  assert.equal(logo.activitymimeattachmentid, attachmentRowId('act-1', 'a4'));
  assert.equal(rows.find((r) => r.filename === 'at-limit.pdf')!.attachmentcontentid, undefined);
  assert.equal(dataverse.emails.get('act-1')!.notifications, 1);
  const [d] = await deps.ledger.all();
  assert.equal(d!.outcome, 'promoted');
  assert.equal(d!.detail, '2 attachment(s) left out: 1 over the size limit, 1 blocked extension');
});

test('Attachments both ways: an email whose attachments are all kept has no notification', async () => {
  const { stages, dataverse } = setup({ maxBytes: 5000, blocked: [] });
  await stages.write(delivered({ body: batch([entry(1)]), messageId: 'b1' }));
  assert.equal(dataverse.attachments.size, 4);
  assert.equal(dataverse.emails.get('act-1')!.notifications, undefined);
});

test('Attachments both ways: a throttled attachment write retries the message, and the retry adds no second copy', async () => {
  const { stages, dataverse, deps, queue } = setup();
  // The email is written, then its first attachment write is throttled: nothing is recorded yet.
  const createAttachments = dataverse.createAttachments.bind(dataverse);
  let throttled = false;
  dataverse.createAttachments = async (rows) => {
    if (throttled) return createAttachments(rows);
    throttled = true;
    const [first, ...rest] = rows;
    const written = await createAttachments(rest);
    return [{ activityid: first.activitymimeattachmentid, status: 'retry' as const, error: '429' }, ...written];
  };
  await stages.write(delivered({ body: batch([entry(1)]), messageId: 'b1' }));
  assert.deepEqual(await deps.ledger.all(), [], 'no decision before every attachment has an answer');
  assert.equal(dataverse.attachments.size, 1, 'the one written before the throttle');
  const [retry] = queue.accepted(QUEUES.activityWrites);
  await stages.write(delivered(retry!));
  assert.equal(dataverse.attachments.size, 2);
  assert.equal(dataverse.emails.size, 1);
  const [d] = await deps.ledger.all();
  assert.equal(d!.outcome, 'promoted');
});

test('Attachments both ways: a redelivery after a crash (email and attachments written, nothing recorded) adds no duplicate attachment rows', async () => {
  const { stages, dataverse, deps } = setup();
  await stages.write(delivered({ body: batch([entry(1)]), messageId: 'b1' }));
  const before = [...dataverse.attachments.keys()].sort();
  // As if the host died before the ledger write: the same message comes again.
  await stages.write(delivered({ body: batch([entry(1)]), messageId: 'b1' }));
  assert.deepEqual([...dataverse.attachments.keys()].sort(), before);
  assert.equal((await deps.ledger.all()).length, 1);
});

test('Attachments both ways: a redelivery reads no file again that already has its row (only the missing ones)', async () => {
  const { stages, dataverse, graph, deps } = setup({ maxBytes: 5000, blocked: [] });
  await stages.write(delivered({ body: batch([entry(1)]), messageId: 'b1' }));
  assert.equal(dataverse.attachments.size, 4);
  // As if the host died after two of the four rows were written: the same message comes again.
  const ids = [...dataverse.attachments.keys()];
  for (const id of ids.slice(2)) dataverse.attachments.delete(id);
  const read: string[] = [];
  const get = graph.getAttachment.bind(graph);
  graph.getAttachment = async (mailbox, graphId, attachmentId) => (
    read.push(attachmentId),
    get(mailbox, graphId, attachmentId)
  );
  await stages.write(delivered({ body: batch([entry(1)]), messageId: 'b1' }));
  assert.deepEqual([...dataverse.attachments.keys()].sort(), [...ids].sort(), 'the missing rows written again');
  assert.equal(read.length, 2, 'only the two missing files read from Graph');
  assert.equal((await deps.ledger.all())[0]!.outcome, 'promoted');
});

test('Attachments both ways: an email another mailbox created first gets no attachments from this mailbox', async () => {
  const { stages, dataverse } = setup();
  dataverse.emails.set('act-1', {
    ...entry(1).activity!,
    receivingMailboxId: 'mbx-sales',
    modifiedon: '2025-01-10T09:30:00.000Z',
  });
  await stages.write(delivered({ body: batch([entry(1)]), messageId: 'b1' }));
  assert.equal(dataverse.attachments.size, 0);
});

test('Attachments both ways: a throttled attachment list puts the whole message off for its Retry-After, with nothing written', async () => {
  const { stages, graph, dataverse, deps, queue } = setup();
  const list = graph.listAttachments.bind(graph);
  let once = true;
  graph.listAttachments = async (mailbox, ids) => {
    if (!once) return list(mailbox, ids);
    once = false;
    return new Map(ids.map((id) => [id, { status: 429, retryAfterMs: 7000 }]));
  };
  await stages.write(delivered({ body: batch([entry(1)]), messageId: 'b1' }));
  assert.equal(dataverse.emails.size, 0);
  assert.deepEqual(await deps.ledger.all(), []);
  const [retry] = queue.accepted(QUEUES.activityWrites);
  await stages.write(delivered(retry!));
  assert.equal(dataverse.attachments.size, 2);
});

test('Attachments both ways: an item gone from Exchange before its attachments were read is written with notifications = 1, and the decision says why', async () => {
  const { stages, dataverse, deps } = setup();
  const gone = { ...entry(2), activity: { ...entry(2).activity!, attachments: true as const } };
  await stages.write(delivered({ body: batch([gone]), messageId: 'b2' }));
  assert.equal(dataverse.emails.get('act-2')!.notifications, 1);
  const [d] = await deps.ledger.all();
  assert.equal(d!.detail, 'attachments not read: the item was gone');
});
