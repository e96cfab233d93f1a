// Packs a page's decisions into write-batch messages under the queue's size limit. An entry too large
// on its own has its body cut (Dataverse email.notifications = 2, "truncated body"), recorded in the
// decision, rather than failing the page.
import type { WriteBatch, WriteEntry } from '../domain/jobs';
import { writeBatchMessageId } from '../domain/queue-message-ids';
import { truncate } from '../domain/limits';

const ENVELOPE_BYTES = 1024;
const size = (v: unknown) => Buffer.byteLength(JSON.stringify(v), 'utf8');

function fit(entry: WriteEntry, maxBytes: number): WriteEntry {
  if (!entry.activity || size(entry) + ENVELOPE_BYTES <= maxBytes) return entry;
  const overflow = size(entry) + ENVELOPE_BYTES - maxBytes;
  const body = entry.activity.description;
  // Bytes over the limit, counted generously in UTF-16 units so multi-byte text still fits after the cut.
  const cut = truncate(body, Math.max(0, body.length - overflow - 64));
  const detail = [entry.decision.detail, 'truncated: description'].filter(Boolean).join('; ');
  const shrunk: WriteEntry = {
    decision: { ...entry.decision, detail },
    activity: { ...entry.activity, description: cut.value, notifications: 2 },
  };
  if (size(shrunk) + ENVELOPE_BYTES <= maxBytes) return shrunk;
  // The body is gone and it is still too large: thousands of recipients. Keep the sender and as many
  // recipients as fit, and say so; a message over the queue's limit would fail the whole page.
  if (cut.value.length === 0 || cut.value.length === body.length) return fitParties(shrunk, maxBytes);
  return fit(shrunk, maxBytes);
}

function fitParties(entry: WriteEntry, maxBytes: number): WriteEntry {
  const parties = entry.activity!.parties;
  if (parties.length <= 1) return entry;
  const perParty = Math.ceil(size(parties) / parties.length);
  let keep = Math.max(1, Math.floor((maxBytes - ENVELOPE_BYTES - (size(entry) - size(parties))) / (perParty + 1)));
  for (;;) {
    const kept = parties.slice(0, Math.min(parties.length, keep));
    const detail = [entry.decision.detail, `truncated: recipients (${kept.length - 1} of ${parties.length - 1} kept)`]
      .filter(Boolean)
      .join('; ');
    const shrunk: WriteEntry = {
      decision: { ...entry.decision, detail },
      activity: { ...entry.activity!, parties: kept },
    };
    if (size(shrunk) + ENVELOPE_BYTES <= maxBytes || keep <= 1) return shrunk;
    keep = Math.max(1, Math.floor(keep * 0.9));
  }
}

export function packWriteBatches(mailboxId: string, entries: WriteEntry[], maxBytes: number): WriteBatch[] {
  const batches: WriteBatch[] = [];
  let current: WriteEntry[] = [];
  let bytes = ENVELOPE_BYTES;
  const flush = () => {
    if (!current.length) return;
    // Same content, same id: a replayed page is dropped by duplicate detection; new content never is.
    const batchId = writeBatchMessageId(mailboxId, current);
    batches.push({ kind: 'write', mailboxId, workload: 'email', batchId, entries: current });
    current = [];
    bytes = ENVELOPE_BYTES;
  };
  for (const raw of entries) {
    const e = fit(raw, maxBytes);
    const s = size(e) + 1; // and the comma that separates it from the previous entry
    if (bytes + s > maxBytes) flush();
    current.push(e);
    bytes += s;
  }
  flush();
  return batches;
}
