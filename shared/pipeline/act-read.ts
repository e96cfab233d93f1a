// Reading one ACT workload's changes since its checkpoints: every Graph delta page of the Exchange collection and
// every change-tracking page of the Dataverse table. An expired state (Graph 410 syncStateNotFound, Dataverse
// ExpiredVersionStamp) starts a full round, and a full round reports every linked item it did not see as removed,
// so nothing is created twice and nothing deleted meanwhile is missed.
import type { Checkpoint } from '../ports';
import type { ActExchangePort, ActDataversePort } from '../ports-act';
import type { ActContext, ActModule } from '../domain/act/module';
import type { ActLink, DataverseChange, ExchangeChange } from '../domain/act/types';
import { changeKeyOf } from '../domain/act/exchange-item';
import { isKind } from '../domain/errors';

export interface SideRead<T> {
  changes: T[];
  /** The cursor to save once the cycle's writes are done (the Graph deltaLink, the Dataverse delta token). */
  cursor: string;
  full: boolean;
}

export async function readExchange(
  port: ActExchangePort,
  mailbox: string,
  m: ActModule,
  cp: Checkpoint,
  ctx: ActContext,
  links: readonly ActLink[],
): Promise<SideRead<ExchangeChange>> {
  try {
    return await exchangeRound(port, mailbox, m, cp.cursor, ctx, links);
  } catch (e) {
    if (!isKind(e, 'sync-state-expired') || !cp.cursor) throw e;
    return await exchangeRound(port, mailbox, m, undefined, ctx, links);
  }
}

async function exchangeRound(
  port: ActExchangePort,
  mailbox: string,
  m: ActModule,
  start: string | undefined,
  ctx: ActContext,
  links: readonly ActLink[],
): Promise<SideRead<ExchangeChange>> {
  const changes: ExchangeChange[] = [];
  let cursor = start;
  for (;;) {
    const page = await port.delta(mailbox, m.workload, cursor);
    for (const item of page.value) {
      if (typeof item.id !== 'string') continue;
      if (item['@removed']) changes.push({ id: item.id, removed: true });
      else
        changes.push({
          id: item.id,
          removed: false,
          changeKey: changeKeyOf(item),
          fields: m.fromExchange(item, ctx),
          categories: Array.isArray(item.categories) ? (item.categories as string[]) : [],
        });
    }
    if (page.deltaLink)
      return {
        changes: withGone(changes, links, start === undefined, 'exchange'),
        cursor: page.deltaLink,
        full: !start,
      };
    cursor = page.nextLink;
  }
}

export async function readDataverse(
  port: ActDataversePort,
  m: ActModule,
  token: string | undefined,
  links: readonly ActLink[],
): Promise<SideRead<DataverseChange>> {
  try {
    return await dataverseRound(port, m, token, links);
  } catch (e) {
    if (!isKind(e, 'sync-state-expired') || !token) throw e;
    return await dataverseRound(port, m, undefined, links);
  }
}

async function dataverseRound(
  port: ActDataversePort,
  m: ActModule,
  token: string | undefined,
  links: readonly ActLink[],
): Promise<SideRead<DataverseChange>> {
  const changes: DataverseChange[] = [];
  let nextLink: string | undefined;
  for (;;) {
    const page = await port.changes(m.entitySet, m.key, nextLink ? { nextLink } : token ? { token } : {});
    changes.push(...page.changes);
    if (page.deltaToken)
      return { changes: withGone(changes, links, !token, 'dataverse'), cursor: page.deltaToken, full: !token };
    nextLink = page.nextLink;
  }
}

/** A full round lists what exists: a linked item missing from it was deleted while the state was lost. */
function withGone<T extends { id: string; removed: boolean }>(
  changes: T[],
  links: readonly ActLink[],
  full: boolean,
  side: 'exchange' | 'dataverse',
): T[] {
  if (!full) return changes;
  const seen = new Set(changes.map((c) => c.id));
  const gone = links
    .map((l) => (side === 'exchange' ? l.exchangeId : l.dataverseId))
    .filter((id): id is string => !!id && !seen.has(id));
  return [...changes, ...gone.map((id) => ({ id, removed: true }) as T)];
}
