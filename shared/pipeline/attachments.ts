// Incoming attachments in the write stage. Before the emails are written, each email's attachment list is
// read and planned against the organization's limits (a left-out file sets notifications = 1 on the row and
// the decision says how many and why); after the row exists, the kept files are read one by one and
// stored as attachment rows with derived ids, before any decision is recorded (a retry adds no second copy).
import type { Decision, EmailActivity } from '../domain/activity';
import type { WriteBatch, WriteEntry } from '../domain/jobs';
import {
  attachmentRowId,
  leftOutDetail,
  planAttachments,
  toAttachmentInfo,
  type AttachmentLimits,
  type AttachmentRow,
} from '../domain/attachments';
import { retryLater, transient } from '../domain/errors';
import type { BatchItemResult, EmailWriteResult, GraphJson } from '../ports';
import type { PipelineDeps } from './deps';
import { readFile, withEveryPage } from './attachment-reads';

const withDetail = (d: Decision, more: string): Decision =>
  more ? { ...d, detail: [d.detail, more].filter(Boolean).join('; ') } : d;

/** The batch with every email still to read (`attachments: true`) planned: kept files listed, the rest counted. */
export async function planBatchAttachments(batch: WriteBatch, deps: PipelineDeps): Promise<WriteBatch> {
  if (!batch.entries.some((e) => e.activity?.attachments)) return batch;
  const limits = (await deps.dataverse.loadOrgContext()).org.attachments;
  const toRead = batch.entries.filter((e) => e.activity?.attachments);
  const lists = await deps.graph.listAttachments(
    toRead[0].decision.mailbox,
    toRead.map((e) => e.decision.graphId),
  );
  const waits = [...lists.values()].filter((r) => r.retryAfterMs !== undefined);
  if (waits.length) throw retryLater('graph', `${waits.length} attachment list(s) throttled`, waits);
  const full = await withEveryPage(lists, deps);
  const entries = batch.entries.map((e) =>
    e.activity?.attachments ? planEntry(e, full.get(e.decision.graphId), limits) : e,
  );
  return { ...batch, entries };
}

/** One email's plan from its list: a list Graph could not give (gone, refused) leaves every file out. */
function planEntry(e: WriteEntry, answer: BatchItemResult | undefined, limits: AttachmentLimits): WriteEntry {
  const { attachments: _read, ...activity } = e.activity!;
  const status = answer?.status ?? 404;
  if (status === 429 || status >= 500) throw transient('graph', `attachment list answered ${status}`, { status });
  const value = answer?.body?.value;
  if (status >= 300 || !Array.isArray(value))
    return {
      decision: withDetail(
        e.decision,
        status === 404 ? 'attachments not read: the item was gone' : `attachments not read: Graph answered ${status}`,
      ),
      activity: { ...activity, notifications: activity.notifications === 2 ? 2 : 1 },
    };
  const list = value.map((x) => (typeof x === 'object' && x !== null ? toAttachmentInfo(x as GraphJson) : undefined));
  const plan = planAttachments(list, limits);
  const left = plan.leftOut.length > 0;
  return {
    decision: withDetail(e.decision, leftOutDetail(plan.leftOut)),
    activity: {
      ...activity,
      ...(plan.kept.length ? { keptAttachments: plan.kept } : {}),
      // A truncated body (2) says more than a missing attachment; one value fits the column.
      ...(left ? { notifications: activity.notifications === 2 ? 2 : 1 } : {}),
    },
  };
}

/** The kept files of one email as rows; those stored already are not read again, those Graph no longer has are counted. */
async function rowsOf(
  a: EmailActivity,
  d: Decision,
  deps: PipelineDeps,
  stored: Set<string>,
): Promise<{ rows: AttachmentRow[]; gone: number }> {
  const rows: AttachmentRow[] = [];
  let gone = 0;
  for (const [n, info] of (a.keptAttachments ?? []).entries()) {
    if (stored.has(attachmentRowId(a.activityid, info.id).toLowerCase())) continue;
    const { contentBytes: content, contentId } = await readFile(deps, d.mailbox, d.graphId, info);
    if (content === undefined) {
      gone++;
      continue;
    }
    rows.push({
      activitymimeattachmentid: attachmentRowId(a.activityid, info.id),
      activityid: a.activityid,
      filename: info.name.slice(0, 255),
      mimetype: info.contentType || 'application/octet-stream',
      body: content,
      attachmentnumber: n,
      ...(info.isInline && contentId ? { attachmentcontentid: contentId } : {}),
    });
  }
  return { rows, gone };
}

/**
 * Stores the kept files of every email this batch created (or created before a crash): the decisions
 * settled as promoted or updated. A throttled or failing write retries the whole message.
 */
export async function storeAttachments(
  batch: WriteBatch,
  results: Map<string, EmailWriteResult>,
  decisions: Decision[],
  deps: PipelineDeps,
): Promise<Decision[]> {
  const out = [...decisions];
  const stored = await storedAlready(batch, results, deps);
  for (const [i, e] of batch.entries.entries()) {
    const a = e.activity;
    const r = a && results.get(a.activityid);
    if (!a?.keptAttachments?.length || !r || (r.status !== 'created' && r.status !== 'exists')) continue;
    if (out[i].outcome !== 'promoted' && out[i].outcome !== 'updated') continue;
    const { rows, gone } = await rowsOf(a, out[i], deps, stored);
    const written = rows.length ? await deps.dataverse.createAttachments(rows) : [];
    const retry = written.filter((w) => w.status === 'retry');
    if (retry.length)
      throw retryLater('dataverse', `${retry.length} attachment write(s) to retry: ${retry[0].error ?? ''}`, retry);
    const failed = written.filter((w) => w.status === 'failed' || w.status === 'waiting');
    const notes = [
      gone ? `${gone} attachment(s) not stored: gone from the item` : '',
      failed.length ? `${failed.length} attachment(s) not stored: ${failed[0].error ?? 'write failed'}` : '',
    ];
    out[i] = withDetail(out[i], notes.filter(Boolean).join('; '));
    deps.log.info('write.attachments', { mailboxId: batch.mailboxId, stored: written.length - failed.length, gone });
  }
  return out;
}

/**
 * The attachment rows already stored for emails that existed before this delivery (a crash or retry after some
 * files were written): a redelivered batch with many attachments reads and writes only what is missing.
 */
async function storedAlready(
  batch: WriteBatch,
  results: Map<string, EmailWriteResult>,
  deps: PipelineDeps,
): Promise<Set<string>> {
  const existed = batch.entries.flatMap((e) =>
    e.activity?.keptAttachments?.length && results.get(e.activity.activityid)?.status === 'exists'
      ? [e.activity.activityid]
      : [],
  );
  return existed.length && deps.dataverse.attachmentIdsOf
    ? await deps.dataverse.attachmentIdsOf(existed)
    : new Set<string>();
}
