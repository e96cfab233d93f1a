// What Graph lets a client PATCH on a message (https://learn.microsoft.com/graph/api/message-update): some
// properties on any message, others only on a draft; the simulator takes categories and isRead.
import type { Json } from '../../tenant/fixture';
import { GraphError, badRequest } from './errors';

/** Updatable on any message (Graph's "Update message" reference); categories and isRead are type-checked. */
const ALWAYS = new Set([
  'categories',
  'isRead',
  'flag',
  'importance',
  'inferenceClassification',
  'toRecipients',
  'ccRecipients',
  'bccRecipients',
]);
/** Updatable only while isDraft is true. */
const DRAFT_ONLY = new Set([
  'subject',
  'body',
  'internetMessageId',
  'replyTo',
  'from',
  'sender',
  'internetMessageHeaders',
]);

/** The patch, if a client may apply it to the message (a draft or not); else Graph's error. */
export function clientPatch(patch: Json, draft: boolean): Json {
  for (const [k, v] of Object.entries(patch)) {
    if (DRAFT_ONLY.has(k) || (ALWAYS.has(k) && k !== 'categories' && k !== 'isRead')) {
      if (DRAFT_ONLY.has(k) && !draft)
        throw new GraphError(
          400,
          'ErrorInvalidPropertyUpdateSentMessage',
          `Update operation is invalid for property of a sent message: '${k}'.`,
        );
      continue;
    }
    if (k === 'categories') {
      if (!Array.isArray(v) || v.some((c) => typeof c !== 'string'))
        throw badRequest("Invalid value for property 'categories'.");
    } else if (k === 'isRead') {
      if (typeof v !== 'boolean') throw badRequest("Invalid value for property 'isRead'.");
    } else {
      throw badRequest(`The property '${k}' cannot be updated by this simulator.`);
    }
  }
  return patch;
}
