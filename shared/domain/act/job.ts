// The ACT job: one per eligible mailbox, workload and ACT time slot on sync-jobs, in the mailbox's session (each
// workload its own message, so its retries and progress are its own), and who is eligible: an approved user mailbox (never a queue's), ACT by server-side synchronization, enabled, active, and
// whose ACT test passed (Test & Enable's actstatus).
import type { Parsed } from '../jobs';
import type { ActWorkload } from './types';

export interface ActJob {
  kind: 'act';
  mailboxId: string;
  trigger: 'schedule' | 'admin';
  slot: string;
  /** The one workload this job syncs; absent (a job from before the split) = every workload in turn. */
  workload?: ActWorkload;
}

const WORKLOADS: readonly string[] = ['appointment', 'contact', 'task'] satisfies ActWorkload[];

/** Server-side synchronization runs ACT at least 5 minutes after the last cycle; we run it every 5 minutes. */
export const ACT_INTERVAL_MS = 5 * 60 * 1000;
/** actdeliverymethod 1 = server-side synchronization. */
const ACT_BY_SERVER_SIDE_SYNC = 1;
const TEST_SUCCESS = 1;

export function parseActJob(body: unknown): Parsed<ActJob> {
  const b = body as Record<string, unknown> | null;
  if (!b || typeof b !== 'object' || b.kind !== 'act') return { ok: false, error: 'act job: kind must be "act"' };
  if (typeof b.mailboxId !== 'string' || !b.mailboxId || b.mailboxId.length > 128)
    return { ok: false, error: 'act job: mailboxId missing or too long' };
  if (b.trigger !== 'schedule' && b.trigger !== 'admin') return { ok: false, error: 'act job: unknown trigger' };
  if (typeof b.slot !== 'string' || !b.slot) return { ok: false, error: 'act job: slot missing' };
  if (b.workload !== undefined && !WORKLOADS.includes(b.workload as string))
    return { ok: false, error: 'act job: unknown workload' };
  const workload = b.workload as ActWorkload | undefined;
  return {
    ok: true,
    value: { kind: 'act', mailboxId: b.mailboxId, trigger: b.trigger, slot: b.slot, ...(workload ? { workload } : {}) },
  };
}

export const isActJobBody = (body: unknown): boolean => (body as { kind?: unknown } | null)?.kind === 'act';

export interface ActMailbox {
  owner: { type: string };
  actDeliveryMethod?: number;
  enabledForAct?: boolean;
  actStatus?: number;
  active: boolean;
  approval: number;
}
export function actEligible(m: ActMailbox, requireApproval: boolean): boolean {
  return (
    m.owner.type === 'systemuser' &&
    m.actDeliveryMethod === ACT_BY_SERVER_SIDE_SYNC &&
    m.enabledForAct === true &&
    m.active &&
    m.actStatus === TEST_SUCCESS &&
    (!requireApproval || m.approval === 1)
  );
}
