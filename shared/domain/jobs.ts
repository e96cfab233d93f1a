// Queue message bodies, validated where they enter (the sync and write handlers).
import type { Decision, EmailActivity, QueueItemOnly, RegardingUpdate } from './activity';
import type { Workload } from './reasons';
import { WORKLOADS } from './reasons';

export interface SyncJob {
  kind: 'sync';
  mailboxId: string;
  workload: Workload;
  /** Why the job exists: the timer, a continuation of a budget-limited run, a notification, an admin. */
  trigger: 'schedule' | 'continuation' | 'notify' | 'admin';
  /** The time slot or continuation step, part of the duplicate-detection id. */
  slot: string;
}

export interface WriteEntry {
  decision: Decision;
  activity?: EmailActivity;
  update?: RegardingUpdate;
  queueItem?: QueueItemOnly;
}
export interface WriteBatch {
  kind: 'write';
  mailboxId: string;
  workload: Workload;
  /** Page identity, for duplicate detection and tracing. */
  batchId: string;
  entries: WriteEntry[];
  /** How many times the batch was put off because an email it points at was not written yet. */
  deferrals?: number;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

export function parseSyncJob(body: unknown): Parsed<SyncJob> {
  if (!isObj(body)) return { ok: false, error: 'sync job: body is not an object' };
  if (body.kind !== 'sync') return { ok: false, error: 'sync job: kind must be "sync"' };
  if (!isStr(body.mailboxId) || body.mailboxId.length > 128)
    return { ok: false, error: 'sync job: mailboxId missing or too long' };
  if (!(WORKLOADS as readonly unknown[]).includes(body.workload))
    return { ok: false, error: 'sync job: unknown workload' };
  if (!['schedule', 'continuation', 'notify', 'admin'].includes(body.trigger as string))
    return { ok: false, error: 'sync job: unknown trigger' };
  if (!isStr(body.slot)) return { ok: false, error: 'sync job: slot missing' };
  return {
    ok: true,
    value: {
      kind: 'sync',
      mailboxId: body.mailboxId,
      workload: body.workload as Workload,
      trigger: body.trigger as SyncJob['trigger'],
      slot: body.slot,
    },
  };
}

export function parseWriteBatch(body: unknown): Parsed<WriteBatch> {
  if (!isObj(body)) return { ok: false, error: 'write batch: body is not an object' };
  if (body.kind !== 'write') return { ok: false, error: 'write batch: kind must be "write"' };
  if (!isStr(body.mailboxId)) return { ok: false, error: 'write batch: mailboxId missing' };
  if (!(WORKLOADS as readonly unknown[]).includes(body.workload))
    return { ok: false, error: 'write batch: unknown workload' };
  if (!isStr(body.batchId)) return { ok: false, error: 'write batch: batchId missing' };
  if (!Array.isArray(body.entries)) return { ok: false, error: 'write batch: entries must be an array' };
  if (
    body.deferrals !== undefined &&
    (typeof body.deferrals !== 'number' || !Number.isInteger(body.deferrals) || body.deferrals < 0)
  )
    return { ok: false, error: 'write batch: deferrals must be a whole number' };
  for (const [i, e] of body.entries.entries()) {
    if (!isObj(e) || !isObj(e.decision)) return { ok: false, error: `write batch: entries[${i}].decision missing` };
    const d = e.decision;
    if (!isStr(d.mailboxId) || !isStr(d.outcome) || !isStr(d.reason) || !isStr(d.graphId))
      return { ok: false, error: `write batch: entries[${i}].decision incomplete` };
    if (e.update !== undefined) {
      const u = e.update;
      if (
        !isObj(u) ||
        !isStr(u.activityid) ||
        !isObj(u.regarding) ||
        !isStr(u.regarding.type) ||
        !isStr(u.regarding.id)
      )
        return { ok: false, error: `write batch: entries[${i}].update incomplete` };
    }
    if (e.queueItem !== undefined) {
      const q = e.queueItem;
      if (!isObj(q) || !isStr(q.activityid) || !isStr(q.queueId))
        return { ok: false, error: `write batch: entries[${i}].queueItem incomplete` };
    }
    if (e.activity !== undefined) {
      const a = e.activity;
      if (!isObj(a) || !isStr(a.activityid) || !Array.isArray(a.parties))
        return { ok: false, error: `write batch: entries[${i}].activity incomplete` };
    }
  }
  return { ok: true, value: body as unknown as WriteBatch };
}
