// Dataverse column lengths for email (docs/sss-parity.md#field-lengths): longer values are cut
// and the cut is recorded in the decision, instead of the write failing.
export const FIELD_LIMITS = {
  subject: 800,
  messageid: 320,
  trackingtoken: 50,
  internetmessageheaders: 500,
  addressused: 320,
} as const;

/** Cuts by UTF-16 code units without leaving a lone surrogate at the end. */
export function truncate(value: string, max: number): { value: string; truncated: boolean } {
  if (value.length <= max) return { value, truncated: false };
  let cut = value.slice(0, max);
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return { value: cut, truncated: true };
}
