// What the ACT job reads of any Exchange item besides its mapped fields.
const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);

/** A contact's or event's changeKey, or a To Do task's ETag (todoTask has no changeKey). */
export function changeKeyOf(item: Record<string, unknown> | undefined): string | undefined {
  return str(item?.changeKey) ?? str(item?.['@odata.etag']);
}
