// Events across mailboxes: who an event invites, and what a create or update must carry.
import type { Json } from '../../../tenant/fixture';
import { GraphError, badRequest } from '../errors';
import { eventTime } from './item-defaults';
import { scalarText } from '../../json-scalar';
import { ianaZone } from '../../../../shared/domain/act/appointment-zones';

export function attendeeAddresses(event: Json): string[] {
  const list = Array.isArray(event.attendees) ? (event.attendees as Json[]) : [];
  return list
    .map((a) => (scalarText((a.emailAddress as Json | undefined)?.address) ?? '').toLowerCase())
    .filter(Boolean);
}

/** Validates an event body for create; start and end are required (dateTimeTimeZone). */
export function validateEventInput(body: unknown, create: boolean): Json {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('Empty or invalid payload.');
  const e = body as Json;
  for (const k of ['start', 'end']) {
    if (e[k] === undefined && !create) continue;
    const zone = (e[k] as Json | undefined)?.timeZone;
    if (typeof zone === 'string' && zone && !ianaZone(zone))
      throw new GraphError(
        400,
        'TimeZoneNotSupportedException',
        `A valid TimeZone value must be specified. The following TimeZone value is not supported: '${zone}'.`,
      );
    if (isNaN(eventTime(e[k])))
      throw new GraphError(
        400,
        'ErrorInvalidRequest',
        `Your request can't be completed. The '${k}' property must be a dateTimeTimeZone with a valid dateTime.`,
      );
  }
  if (e.attendees !== undefined && !Array.isArray(e.attendees))
    throw badRequest("Invalid value for property 'attendees'.");
  return e;
}
