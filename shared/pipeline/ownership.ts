// A mailbox's mode during the cut-over (owned, shadow, released), read from the product's own registry, and
// the ports a shadow mailbox runs over: Dataverse to read only, no Exchange writes, no sends.
import type { DataversePort } from '../ports';
import type { MailboxMode, OwnershipRecord } from '../ports-cutover';
import { modeOf } from '../domain/ownership';
import { permanent } from '../domain/errors';
import type { PipelineDeps } from './deps';

export async function ownershipOf(
  mailboxId: string,
  deps: Pick<PipelineDeps, 'ownership'>,
): Promise<OwnershipRecord | undefined> {
  return deps.ownership?.get(mailboxId);
}

export async function mailboxModeOf(
  mailboxId: string,
  deps: Pick<PipelineDeps, 'ownership' | 'settings'>,
): Promise<MailboxMode> {
  return modeOf(await ownershipOf(mailboxId, deps), deps.settings.shadowMode);
}

const refuse = (what: string) => () => Promise.reject(permanent('dataverse', `shadow mode writes nothing: ${what}`));

/**
 * Dataverse to read only: every write of the port refuses (a shadow mailbox must never reach one; this makes
 * sure), and alerts stay in the product's own table instead of becoming trace logs on the mailbox.
 */
export function readOnlyDataverse(dv: DataversePort): DataversePort {
  return {
    loadOrgContext: () => dv.loadOrgContext(),
    lookup: (req) => dv.lookup(req),
    emailsChangedSince: (since, max) => dv.emailsChangedSince(since, max),
    regardingOf: (ids) => dv.regardingOf(ids),
    createEmails: refuse('createEmails'),
    updateRegarding: refuse('updateRegarding'),
    createQueueItems: refuse('createQueueItems'),
    disableIncoming: refuse('disableIncoming'),
    recordMailboxTest: refuse('recordMailboxTest'),
    postponeMailboxTest: refuse('postponeMailboxTest'),
    createAttachments: refuse('createAttachments'),
  };
}

/** The ports of a shadow mailbox: reads as usual, no writes to Dataverse or Exchange, no sends. */
export function shadowDeps(deps: PipelineDeps): PipelineDeps {
  const { categories: _c, mailSend: _m, outbox: _o, mailboxColumns: _k, ...rest } = deps;
  return { ...rest, dataverse: readOnlyDataverse(deps.dataverse) };
}
