// The emails promotion can correlate with and dedup against: rows in Dataverse (found by this page's
// lookup), rows the engine already decided on (the correlation index), and items decided earlier in
// this same page (an overlay), so a reply on the same page as its original still correlates.
import type { ExistingEmail, PageLookup } from '../ports';
import type { IndexedEmail } from '../domain/activity';
import type { KnownEmail, KnownEmails } from '../domain/correlate';
import type { MailItem } from '../domain/item';
import type { SmartEntry } from '../domain/smart-match';

type Known = KnownEmail & { receivingMailboxId?: string };

export class PageKnowledge implements KnownEmails {
  private readonly byKey = new Map<string, Known[]>();
  private readonly byTok = new Map<string, Known[]>();
  private readonly byRoot = new Map<string, Known[]>();
  private readonly smart: SmartEntry[];
  private readonly parties: PageLookup['parties'];
  /** Emails decided earlier on this page (added after construction): all a shadow run dedups against. */
  private readonly onPage = new Map<string, Known[]>();
  private built = false;

  constructor(
    lookup: PageLookup,
    index: Map<string, IndexedEmail[]>,
    conversations: Map<string, IndexedEmail[]> = new Map(),
    smart: SmartEntry[] = [],
  ) {
    for (const list of lookup.emails.values()) for (const e of list) this.add(fromExisting(e));
    for (const list of lookup.tokens.values()) for (const e of list) this.add(fromExisting(e));
    for (const list of lookup.conversations.values()) for (const e of list) this.add(fromExisting(e));
    for (const list of index.values()) for (const e of list) this.add(fromIndex(e));
    for (const list of conversations.values()) for (const e of list) this.add(fromIndex(e));
    this.smart = [...smart];
    this.parties = lookup.parties;
    this.built = true;
  }

  /** An email decided earlier on this page, as smart matching sees it. */
  addSmart(e: SmartEntry): void {
    this.smart.push(e);
  }

  add(e: Known): void {
    if (e.messageKey) addUnique(this.byKey, e.messageKey, e);
    if (e.trackingtoken) addUnique(this.byTok, e.trackingtoken.toUpperCase(), e);
    if (e.conversationRoot) addUnique(this.byRoot, e.conversationRoot, e);
    if (this.built && e.messageKey) addUnique(this.onPage, e.messageKey, e);
  }
  byMessageKey(key: string): KnownEmail[] {
    return this.byKey.get(key) ?? [];
  }
  byToken(token: string): KnownEmail[] {
    return this.byTok.get(token.toUpperCase()) ?? [];
  }
  byConversationRoot(root: string): KnownEmail[] {
    return this.byRoot.get(root) ?? [];
  }
  smartCandidates(_item: MailItem): SmartEntry[] {
    return this.smart;
  }
  rowsOf(address: string): string[] {
    return (this.parties.get(address.toLowerCase()) ?? []).map((c) => c.ref.id);
  }
  existing(messageKey: string, outgoing: boolean): Known | undefined {
    return (this.byKey.get(messageKey) ?? []).find((e) => e.outgoing === outgoing);
  }
  /**
   * Shadow mode: only an email decided earlier on this page counts as already tracked. A row in Dataverse with
   * the item's own Message-ID is what SSS tracked, the very thing the shadow report compares with.
   */
  existingOnPage(messageKey: string, outgoing: boolean): Known | undefined {
    return (this.onPage.get(messageKey) ?? []).find((e) => e.outgoing === outgoing);
  }
}

/**
 * What a page must not see of itself. A crash after the page's index entries (or even its writes) landed
 * but before its checkpoint moved makes the page run again; its items would then find their own later
 * siblings, and an original would correlate with its reply. Dropped: this mailbox's index entries for
 * items on this page, and the Dataverse rows those entries stand for. Items decided earlier on the page
 * come back through the overlay, in page order, as on the first attempt.
 */
export function withoutOwnPage(
  lookup: PageLookup,
  index: Map<string, IndexedEmail[]>,
  conversations: Map<string, IndexedEmail[]>,
  mailboxId: string,
  pageGraphIds: Set<string>,
  smart: SmartEntry[] = [],
): {
  lookup: PageLookup;
  index: Map<string, IndexedEmail[]>;
  conversations: Map<string, IndexedEmail[]>;
  smart: SmartEntry[];
} {
  const own = (e: { mailboxId?: string; graphId?: string }) =>
    e.mailboxId === mailboxId && e.graphId !== undefined && pageGraphIds.has(e.graphId);
  const ownRows = new Set(
    [...index.values(), ...conversations.values(), smart]
      .flat()
      .filter(own)
      .map((e) => e.activityid),
  );
  if (ownRows.size === 0) return { lookup, index, conversations, smart };
  const keepIndexed = (m: Map<string, IndexedEmail[]>) =>
    new Map([...m].map(([k, list]) => [k, list.filter((e) => !own(e))] as const).filter(([, l]) => l.length > 0));
  const keepRows = (m: Map<string, ExistingEmail[]>) =>
    new Map(
      [...m]
        .map(([k, list]) => [k, list.filter((e) => !ownRows.has(e.activityid))] as const)
        .filter(([, l]) => l.length > 0),
    );
  return {
    lookup: {
      ...lookup,
      emails: keepRows(lookup.emails),
      tokens: keepRows(lookup.tokens),
      conversations: keepRows(lookup.conversations),
    },
    index: keepIndexed(index),
    conversations: keepIndexed(conversations),
    smart: smart.filter((e) => !ownRows.has(e.activityid)),
  };
}

function addUnique(m: Map<string, Known[]>, k: string, e: Known) {
  const list = m.get(k) ?? [];
  const i = list.findIndex((x) => x.activityid === e.activityid);
  // Dataverse's view wins over the index's: it knows who really created the row.
  if (i >= 0) list[i] = { ...e, ...list[i], receivingMailboxId: list[i].receivingMailboxId ?? e.receivingMailboxId };
  else list.push(e);
  m.set(k, list);
}

function fromExisting(e: ExistingEmail): Known {
  const { messageid: _m, ...rest } = e;
  return rest;
}

function fromIndex(e: IndexedEmail): Known {
  const { mailboxId, ...rest } = e;
  return { ...rest, ...(mailboxId ? { receivingMailboxId: mailboxId } : {}) };
}
