// A folder-tracked folder that was deleted or cannot be read is the folder's problem, not the mailbox's:
// it is skipped with one alert (TrackingFolderUnavailable) while it stays so, the rest of the mailbox
// keeps syncing, and when it can be read again its sync resumes from its checkpoint (one Information
// alert). The root Inbox and Sent Items failing stay the mailbox's health (health.ts).
import type { DvMailbox } from '../ports';
import { isKind, type ExsyncError } from '../domain/errors';
import type { PipelineDeps } from './deps';
import { ALERTS } from '../domain/alerts';
import { raiseAlert } from './alerts';

/** Graph's answers for a folder that is gone (404), not ours to read (403) or an id that is no folder id (400). */
export function isFolderUnavailable(e: unknown): e is ExsyncError {
  return isKind(e, 'permanent') && e.system === 'graph' && (e.status === 404 || e.status === 403 || e.status === 400);
}

/** What to say about the failure: status and code only, never a folder name or an address. */
export const failureText = (e: ExsyncError) => `graph ${e.status ?? ''} ${e.code ?? ''}`.replace(/\s+/g, ' ').trim();

/** The unavailable tracked folders of one mailbox during one sync job: the mailbox record is read once. */
export class TrackedFolderHealth {
  private known?: Set<string>;
  constructor(
    private readonly mb: DvMailbox,
    private readonly deps: PipelineDeps,
  ) {}

  private async current(): Promise<Set<string>> {
    if (!this.known)
      this.known = new Set((await this.deps.mailboxes.get(this.mb.mailboxid))?.health.unavailableFolders ?? []);
    return this.known;
  }

  /** The mapping's folder cannot be read: an alert the first time, nothing while it stays so. */
  async unavailable(mappingId: string, what: string): Promise<void> {
    this.deps.log.warn('sync.tracked-folder-unavailable', { mailboxId: this.mb.mailboxid, mappingId, error: what });
    if ((await this.current()).has(mappingId)) return;
    await this.change(mappingId, true);
    await raiseAlert(this.deps, this.mb.mailboxid, ALERTS.trackingFolderUnavailable(mappingId, what));
  }

  /** The mapping's folder was read: if it had been unavailable, say it is back. */
  async available(mappingId: string): Promise<void> {
    if (!(await this.current()).has(mappingId)) return;
    await this.change(mappingId, false);
    await raiseAlert(this.deps, this.mb.mailboxid, ALERTS.trackingFolderAvailable(mappingId));
  }

  private async change(mappingId: string, unavailable: boolean): Promise<void> {
    const known = await this.current();
    if (unavailable) known.add(mappingId);
    else known.delete(mappingId);
    const record = await this.deps.mailboxes.get(this.mb.mailboxid);
    if (!record) return;
    const { unavailableFolders: _old, ...health } = record.health;
    await this.deps.mailboxes.upsert({
      ...record,
      health: { ...health, ...(known.size ? { unavailableFolders: [...known].sort() } : {}) },
    });
  }
}
