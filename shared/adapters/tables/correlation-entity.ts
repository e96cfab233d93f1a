// A correlation row's columns: how an IndexedEmail is stored (the per-message rows and the thread rows).
import type { IndexedEmail } from '../../domain/activity';
import { keyHash } from '../../domain/message-id';
import { safeKey } from './keys';

export type CorrelationEntity = Record<string, string | boolean> & { partitionKey: string; rowKey: string };

export const correlationPartition = (messageKey: string) => keyHash(messageKey);

export function toCorrelationEntity(x: IndexedEmail): CorrelationEntity {
  const e: CorrelationEntity = {
    partitionKey: correlationPartition(x.messageKey),
    rowKey: safeKey(`${x.outgoing ? 'out' : 'in'}:${x.activityid}`),
    messageKey: x.messageKey,
    activityid: x.activityid,
    outgoing: x.outgoing,
  };
  if (x.regarding) {
    e.regardingType = x.regarding.type;
    e.regardingId = x.regarding.id;
  }
  if (x.trackingtoken !== undefined) e.trackingtoken = x.trackingtoken;
  if (x.mailboxId !== undefined) e.mailboxId = x.mailboxId;
  if (x.ownerId !== undefined) e.ownerId = x.ownerId;
  if (x.subject !== undefined) e.subject = x.subject.slice(0, 1000);
  if (x.conversationRoot !== undefined) e.conversationRoot = x.conversationRoot;
  if (x.conversationIndex !== undefined) e.conversationIndex = x.conversationIndex.slice(0, 2048);
  if (x.graphId !== undefined) e.graphId = x.graphId;
  return e;
}

export function fromCorrelationEntity(e: Record<string, unknown>): IndexedEmail {
  const x: IndexedEmail = {
    messageKey: String(e.messageKey),
    activityid: String(e.activityid),
    outgoing: e.outgoing === true,
  };
  if (typeof e.regardingType === 'string' && typeof e.regardingId === 'string')
    x.regarding = { type: e.regardingType, id: e.regardingId };
  if (typeof e.trackingtoken === 'string') x.trackingtoken = e.trackingtoken;
  if (typeof e.mailboxId === 'string') x.mailboxId = e.mailboxId;
  if (typeof e.ownerId === 'string') x.ownerId = e.ownerId;
  if (typeof e.subject === 'string') x.subject = e.subject;
  if (typeof e.conversationRoot === 'string') x.conversationRoot = e.conversationRoot;
  if (typeof e.conversationIndex === 'string') x.conversationIndex = e.conversationIndex;
  if (typeof e.graphId === 'string') x.graphId = e.graphId;
  return x;
}
