// Text that may later reach a mail header (a subject, a kept header value) must stay on one line: a
// CR or LF in it would start a new header line when a reply or a customization writes it back.

// C0 and C1 control characters, DEL, and the Unicode line and paragraph separators.

const CONTROL = '[\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029]';
const ALL = new RegExp(CONTROL, 'g');
const ANY = new RegExp(CONTROL);

/** The value with every control character (CR, LF, tab, NUL, …) replaced by one space each. */
export function singleLine(value: string): string {
  return value.replace(ALL, ' ');
}

/** True when the value holds a control character (an identifier or address with one is malformed). */
export function hasControl(value: string): boolean {
  return ANY.test(value);
}
