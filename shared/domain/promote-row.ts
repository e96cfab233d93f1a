// The email row promotion writes for an accepted mail: the columns Dynamics 365 fills on a tracked
// email, cut to the column limits (and the decision says what was cut), plus the ledger's evaluation.
import type { ActivityParty, EmailActivity, Evaluation } from './activity';
import { SENT_ITEMS, type MailItem } from './item';
import type { Correlation } from './correlate';
import { correlatedSubjectChanged, findTrackingTokens } from './correlate';
import type { Acceptance } from './accept';
import { emailActivityId } from './message-id';
import { truncate, FIELD_LIMITS } from './limits';
import type { Accepted, PromotionContext } from './promotion';
import { chooseOwner, queueItemsFor, type ResolvedParties } from './promote-parties';

/** The kept headers as JSON of at most max characters: long values are cut, so the text stays valid JSON. */
function headersJson(kept: Record<string, string>, max: number): { value: string; truncated: boolean } {
  const values = { ...kept };
  let json = JSON.stringify(values);
  let truncated = false;
  while (json.length > max) {
    const longest = Object.keys(values).reduce((a, b) => (values[b].length > values[a].length ? b : a));
    const v = values[longest];
    if (v.length === 0) break;
    values[longest] = truncate(v, Math.max(0, v.length - (json.length - max))).value;
    truncated = true;
    json = JSON.stringify(values);
  }
  return { value: json, truncated };
}

/** Text columns cut to their limits, and the names of those that were cut. */
function textColumns(item: MailItem) {
  const subject = truncate(item.subject, FIELD_LIMITS.subject);
  const messageid = truncate(item.internetMessageId, FIELD_LIMITS.messageid);
  const headers = Object.keys(item.keptHeaders).length
    ? headersJson(item.keptHeaders, FIELD_LIMITS.internetmessageheaders)
    : undefined;
  const truncated = [
    subject.truncated && 'subject',
    messageid.truncated && 'messageid',
    headers?.truncated && 'internetmessageheaders',
  ].filter(Boolean);
  return { subject: subject.value, messageid: messageid.value, headers: headers?.value, truncated };
}

/** Links to the correlated email: Regarding (unless folder tracking set one), parent, subject changed. */
function correlationColumns(item: MailItem, correlation: Correlation, ctx: PromotionContext) {
  const target = correlation.method !== 'None' ? correlation.target : undefined;
  const subjectChanged = target ? correlatedSubjectChanged(item.subject, target, ctx.correlation) : undefined;
  const regarding = ctx.folderTracking ?? target?.regarding;
  return {
    subjectChanged,
    columns: {
      ...(regarding ? { regarding } : {}),
      ...(target ? { correlatedActivityId: target.activityid } : {}),
      ...(subjectChanged !== undefined ? { correlatedsubjectchanged: subjectChanged } : {}),
      ...(target && correlation.setsParent ? { parentActivityId: target.activityid } : {}),
    },
  };
}

/** The row for an accepted mail, and the decision's detail (what was cut, a changed subject). */
export function emailRow(
  item: MailItem,
  ctx: PromotionContext,
  p: ResolvedParties,
  correlation: Correlation,
  acceptance: Acceptance,
  accepted: Accepted,
): { activity: EmailActivity; detail: string } {
  const outgoing = item.folder === SENT_ITEMS;
  const text = textColumns(item);
  const token = ctx.correlation.tokensEnabled ? findTrackingTokens(item.subject, ctx.correlation)[0] : undefined;
  const linked = correlationColumns(item, correlation, ctx);
  const owner = chooseOwner(outgoing, p, correlation.method !== 'None' ? correlation.target : undefined, ctx);
  const queueItems = queueItemsFor(acceptance, accepted.by, p.recipientPrincipals, ctx);
  const activity: EmailActivity = {
    activityid: emailActivityId(item.messageKey, outgoing),
    subject: text.subject,
    description: item.body.content,
    directioncode: outgoing,
    statuscode: outgoing ? 3 : 4,
    messageid: text.messageid,
    ...(token ? { trackingtoken: token } : {}),
    actualend: outgoing ? (item.sentDateTime ?? item.receivedDateTime) : item.receivedDateTime,
    ...linked.columns,
    acceptingEntity: accepted.by,
    receivingMailboxId: ctx.mailbox.id,
    ...(owner ? { owner: { type: 'systemuser', id: owner } } : {}),
    ...(text.headers ? { internetmessageheaders: text.headers } : {}),
    parties: p.all,
    ...(item.attachments ? { attachments: true as const } : {}),
    ...(queueItems.length ? { queueItems } : {}),
    ...(ctx.queueItems?.alreadyTracked && ctx.mailbox.owner.type === 'queue'
      ? { queueItemIfTracked: ctx.mailbox.owner.id }
      : {}),
  };
  const detail = [
    text.truncated.length ? `truncated: ${text.truncated.join(', ')}` : '',
    linked.subjectChanged ? "subject differs from the correlated email's" : '',
  ]
    .filter(Boolean)
    .join('; ');
  return { activity, detail };
}

/** Parties and filters behind the decision, capped so a 10,000-recipient mail stays a small ledger row. */
export function evaluationJson(parties: ActivityParty[], acceptance: Acceptance): string {
  const roles = { 1: 'from', 2: 'to', 3: 'cc', 4: 'bcc' } as const;
  const byAddress = new Map<string, Evaluation['parties'][number]>();
  for (const p of parties) {
    const key = `${p.mask}:${p.addressused}`;
    const e = byAddress.get(key) ?? { role: roles[p.mask], address: p.addressused, resolved: [] };
    if (p.party) e.resolved.push(p.party);
    byAddress.set(key, e);
  }
  const evaluation: Evaluation = {
    parties: [...byAddress.values()].slice(0, 50),
    filters: acceptance.checked.slice(0, 50),
  };
  return JSON.stringify(evaluation);
}
