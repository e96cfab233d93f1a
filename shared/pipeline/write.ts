// The write stage (Service Bus trigger): create the page's emails in Dataverse, settle each decision
// against what Dataverse says (created, ours already, someone else's row), and record every decision.
import { QUEUES } from '../ports';
import type { Decision, EmailActivity, QueueItemOnly } from '../domain/activity';
import type { WriteBatch, WriteEntry } from '../domain/jobs';
import { parseWriteBatch } from '../domain/jobs';
import { poison, retryLater } from '../domain/errors';
import { deferredWriteMessageId } from '../domain/queue-message-ids';
import { queueItemId } from '../domain/message-id';
import type { EmailWriteResult } from '../ports';
import type { InboundMessage, PipelineDeps } from './deps';
import { withReschedule } from './reschedule';
import { planBatchAttachments, storeAttachments } from './attachments';
import { markTrackedInOutlook } from './tracked-in-outlook';

export async function handleWriteMessage(msg: InboundMessage, deps: PipelineDeps): Promise<void> {
  const parsed = parseWriteBatch(msg.body);
  if (!parsed.ok) throw poison(parsed.error);
  await withReschedule(QUEUES.activityWrites, msg, deps, () => writeBatch(parsed.value, deps));
}

/** An email may point at one another mailbox or page is still writing: wait for it, then write without the link. */
export const MAX_DEFERRALS = 6;
const DEFERRAL_MS = 30_000;

/** What Dataverse answered for each write of a batch, by activity id (queue items by their own id). */
interface Answers {
  results: Map<string, EmailWriteResult>;
  updated: Map<string, EmailWriteResult>;
  queued: Map<string, EmailWriteResult>;
}

/**
 * `unlinked`: the last attempt, made without the links that kept the batch waiting. What Dataverse still
 * refuses then (a Regarding, owner or other target that does not exist) is failed, never put off again.
 */
export async function writeBatch(input: WriteBatch, deps: PipelineDeps, unlinked = false): Promise<void> {
  const batch = await planBatchAttachments(input, deps);
  const answers = await writeAll(batch, deps);
  const all = [...answers.results.values()];
  const retry = all.filter((r) => r.status === 'retry');
  // Nothing is recorded until every write has an answer: the message is redelivered whole, and rows
  // created meanwhile come back as "ours".
  if (retry.length)
    throw retryLater('dataverse', `${retry.length} email write(s) to retry: ${retry[0].error ?? ''}`, retry);
  const waiting = all.filter((r) => r.status === 'waiting');
  if (waiting.length && !unlinked) {
    if (await deferred(batch, waiting.length, deps)) return;
    // Waited long enough: write them without the link to the email that never came, and say so.
    return writeBatch(withoutWaiting(batch, new Set(waiting.map((w) => w.activityid))), deps, true);
  }
  const takenByOtherItem = await otherItemsRows(batch, answers.results, deps);
  const settled = batch.entries.map((e) => settle(e, answers, takenByOtherItem));
  const decisions = await storeAttachments(batch, answers.results, settled, deps);
  await deps.ledger.record(decisions);
  // After the record: a crash before it is a redelivery that marks again; the category never decides twice.
  await markTrackedInOutlook(decisions, deps);
  const promoted = decisions.filter((d) => d.outcome === 'promoted').length;
  deps.log.info('write.done', { mailboxId: batch.mailboxId, decisions: decisions.length, promoted });
}

/** Creates the emails, sets Regarding on existing rows, adds queue items; an answer that stops the batch wins. */
async function writeAll(batch: WriteBatch, deps: Pick<PipelineDeps, 'dataverse'>): Promise<Answers> {
  const toCreate = batch.entries.filter((e) => e.activity).map((e) => e.activity!);
  const toUpdate = batch.entries.filter((e) => e.update).map((e) => e.update!);
  const results = new Map((await deps.dataverse.createEmails(toCreate)).map((r) => [r.activityid, r]));
  const updated = new Map(
    (toUpdate.length ? await deps.dataverse.updateRegarding(toUpdate) : []).map((r) => [r.activityid, r]),
  );
  for (const r of updated.values()) if (r.status === 'retry') results.set(r.activityid, r);
  const toQueue = [
    ...batch.entries.filter((e) => e.queueItem).map((e) => e.queueItem!),
    ...trackedMeanwhile(batch, results),
  ];
  const queued = new Map(
    (toQueue.length ? await deps.dataverse.createQueueItems(toQueue) : []).map((r) => [r.activityid, r]),
  );
  for (const r of queued.values()) if (r.status === 'retry' || r.status === 'waiting') results.set(r.activityid, r);
  return { results, updated, queued };
}

/** Puts the batch off (scheduled, later each time) while it may; false once it has waited MAX_DEFERRALS times. */
async function deferred(
  batch: WriteBatch,
  waiting: number,
  deps: Pick<PipelineDeps, 'clock' | 'queue' | 'log'>,
): Promise<boolean> {
  const deferrals = batch.deferrals ?? 0;
  if (deferrals >= MAX_DEFERRALS) return false;
  // Later, not at once: redelivering now would only use up the delivery count before the other write lands.
  const at = new Date(deps.clock.now().getTime() + DEFERRAL_MS * 2 ** deferrals);
  await deps.queue.send(QUEUES.activityWrites, [
    {
      body: { ...batch, deferrals: deferrals + 1 },
      messageId: deferredWriteMessageId(batch.batchId, deferrals + 1),
      scheduledEnqueueTimeUtc: at,
    },
  ]);
  deps.log.warn('write.deferred', { mailboxId: batch.mailboxId, waiting, deferrals: deferrals + 1 });
  return true;
}

/** The batch with the waiting emails' links taken out, and their queue items failed: the row they need never came. */
function withoutWaiting(batch: WriteBatch, ids: Set<string>): WriteBatch {
  return {
    ...batch,
    entries: batch.entries.map((e) =>
      e.activity && ids.has(e.activity.activityid)
        ? {
            decision: {
              ...e.decision,
              detail: [e.decision.detail, 'written without its link to the correlated email, which was never written']
                .filter(Boolean)
                .join('; '),
            },
            activity: withoutLinks(e.activity),
          }
        : e.queueItem && ids.has(queueItemId(e.queueItem.activityid, e.queueItem.queueId))
          ? {
              decision: {
                ...e.decision,
                outcome: 'failed',
                reason: 'WriteFailed',
                detail: 'the queue item was not created: the email it points at was never written',
              },
            }
          : e,
    ),
  };
}

const writeFailed = (decision: Decision, detail: string): Decision => ({
  ...decision,
  outcome: 'failed',
  reason: 'WriteFailed',
  detail,
});
const duplicate = (decision: Decision, detail: string): Decision => ({
  ...decision,
  outcome: 'skipped',
  reason: 'Duplicate',
  detail,
});

/** One entry's decision as Dataverse's answers settle it. */
function settle(entry: WriteEntry, answers: Answers, takenByOtherItem: Set<string>): Decision {
  const { decision, activity, update, queueItem } = entry;
  if (queueItem) {
    const q = answers.queued.get(queueItemId(queueItem.activityid, queueItem.queueId));
    return q?.status === 'failed'
      ? writeFailed(decision, `the queue item was not created: ${q.error ?? 'write failed'}`)
      : decision;
  }
  if (update) {
    const u = answers.updated.get(update.activityid);
    return u?.status === 'failed' ? writeFailed(decision, u.error ?? 'update failed') : decision;
  }
  if (!activity) return decision;
  const r = answers.results.get(activity.activityid);
  if (!r) return decision;
  // 'waiting' here is the unlinked attempt's refusal: a target the email needs does not exist.
  if (r.status === 'failed' || r.status === 'waiting') return writeFailed(decision, r.error ?? 'write failed');
  if (r.status === 'exists' && r.existingReceivingMailboxId && r.existingReceivingMailboxId !== decision.mailboxId) {
    const q = activity.queueItemIfTracked
      ? answers.queued.get(queueItemId(activity.activityid, activity.queueItemIfTracked))
      : undefined;
    if (q?.status === 'failed')
      return writeFailed(decision, `the queue item was not created: ${q.error ?? 'write failed'}`);
    return duplicate(
      decision,
      `created meanwhile from another mailbox${q ? '; a queue item is added for this queue' : ''}`,
    );
  }
  if (r.status === 'exists' && takenByOtherItem.has(decision.graphId))
    return duplicate(decision, 'another item of this mailbox with the same Message-ID and direction was tracked first');
  return decision;
}

function withoutLinks(a: EmailActivity): EmailActivity {
  const { correlatedActivityId: _c, parentActivityId: _p, correlatedsubjectchanged: _s, ...rest } = a;
  return rest;
}

/**
 * "Exists, created by this mailbox" is a replay of the same item, unless the correlation index says the
 * row was decided from another Exchange item of this mailbox (same Message-ID): that one is a duplicate.
 */
async function otherItemsRows(
  batch: WriteBatch,
  results: Map<string, EmailWriteResult>,
  deps: Pick<PipelineDeps, 'correlation'>,
): Promise<Set<string>> {
  const ours = batch.entries.filter((e) => {
    const r = e.activity && results.get(e.activity.activityid);
    return (
      r?.status === 'exists' && (!r.existingReceivingMailboxId || r.existingReceivingMailboxId === e.decision.mailboxId)
    );
  });
  if (ours.length === 0) return new Set();
  const index = await deps.correlation.get([...new Set(ours.map((e) => e.decision.messageKey))]);
  const out = new Set<string>();
  for (const e of ours) {
    const row = (index.get(e.decision.messageKey) ?? []).find((x) => x.activityid === e.activity!.activityid);
    if (row?.graphId && row.mailboxId === e.decision.mailboxId && row.graphId !== e.decision.graphId)
      out.add(e.decision.graphId);
  }
  return out;
}

/** Emails another mailbox created meanwhile: this queue mailbox's queue item for them (SSSCreateAdditionalQueueItemsForAlreadyTrackedEmail). */
function trackedMeanwhile(batch: WriteBatch, results: Map<string, EmailWriteResult>): QueueItemOnly[] {
  return batch.entries.flatMap((e) => {
    const r = e.activity && results.get(e.activity.activityid);
    const other =
      r?.status === 'exists' && r.existingReceivingMailboxId && r.existingReceivingMailboxId !== e.decision.mailboxId;
    return other && e.activity!.queueItemIfTracked
      ? [{ activityid: e.activity!.activityid, queueId: e.activity!.queueItemIfTracked }]
      : [];
  });
}
