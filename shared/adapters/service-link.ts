// Links a service hands us (Graph delta and next links, Dataverse @odata.nextLink) are followed with our
// bearer token, and stored ones come back from a checkpoint that anyone with table access could edit. A
// link is followed only when its parsed URL is the configured service: same scheme, host and port, no
// userinfo, under the configured path (version) in canonical form, and no URL hidden in it, also not
// percent-encoded. A prefix test on the text is not enough: @microsoft/microsoft-graph-client takes the
// first "https://" anywhere in a path as a new host. Pure; one rule for both adapters.

/** The configured endpoint a link must stay on, e.g. https://graph.microsoft.com + /v1.0. */
export interface ServiceRoot {
  /** scheme://host[:port] as URL serialises it: lower case, default port left out */
  origin: string;
  protocol: string;
  hostname: string;
  port: string;
  /** Path every link must be under, without a trailing slash: "/v1.0", "/api/data/v9.2". */
  path: string;
}

export type LinkCheck = { ok: true; url: URL; relative: string } | { ok: false; reason: string };

/** Real links are far shorter; Dataverse refuses URLs over 32 KB. */
const MAX_LINK_LENGTH = 32_768;
/** Graph and Dataverse encode at most three levels deep (Dataverse's paging cookie). */
const MAX_DECODE_ROUNDS = 8;

export function serviceRoot(base: string): ServiceRoot {
  const u = new URL(base);
  const path = u.pathname.replace(/\/+$/, '');
  return { origin: u.origin, protocol: u.protocol, hostname: u.hostname, port: u.port, path };
}

/** Decodes every valid %XX (bytes as code points); never throws, unlike decodeURIComponent. */
function percentDecode(s: string): string {
  return s.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** The text and each decoding of it until nothing changes; undefined when it never settles. */
function decodings(s: string): string[] | undefined {
  const out = [s];
  for (let i = 0; i < MAX_DECODE_ROUNDS; i++) {
    const next = percentDecode(out[out.length - 1]);
    if (next === out[out.length - 1]) return out;
    out.push(next);
  }
  return undefined;
}

function hiddenUrl(forms: string[]): string | undefined {
  for (const f of forms) {
    if (f.includes('://')) return 'a URL inside the link';
    if (f.includes('\\')) return 'a backslash in the link';
    if (/[\x00-\x1f\x7f]/.test(f)) return 'a control character in the link';
  }
  return undefined;
}

/** Is this link one the configured service may be asked with our token? `relative` is the part after root.path. */
export function checkServiceLink(link: unknown, root: ServiceRoot): LinkCheck {
  const no = (reason: string): LinkCheck => ({ ok: false, reason });
  if (typeof link !== 'string' || link.length === 0) return no('not a link');
  if (link.length > MAX_LINK_LENGTH) return no('a link longer than any the service gives');
  // Printable ASCII only: no spaces or controls for a parser to drop, no Unicode host look-alikes.
  if (!/^[\x21-\x7e]+$/.test(link)) return no('characters a service link never has');
  if (link.includes('\\')) return no('a backslash in the link');
  if (link.includes('#')) return no('a fragment in the link');
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return no('not an absolute URL');
  }
  if (url.protocol !== root.protocol) return no('another scheme');
  if (url.username !== '' || url.password !== '') return no('userinfo in the link');
  if (url.hostname !== root.hostname) return no('another host');
  if (url.port !== root.port) return no('another port');
  // The text itself must start with the origin as configured: no "@", case, trailing-dot or ":443" variants.
  if (!link.startsWith(`${root.origin}/`)) return no('the host is not written as configured');
  const rawPath = link.slice(root.origin.length).split('?')[0];
  if (rawPath !== url.pathname)
    return no('a path that is not in canonical form (dot segments or unencoded characters)');
  if (!url.pathname.startsWith(`${root.path}/`)) return no('a path outside the configured version');
  const pathForms = decodings(url.pathname);
  const queryForms = decodings(url.search);
  if (!pathForms || !queryForms) return no('a link encoded too many times');
  const hidden = hiddenUrl([...pathForms, ...queryForms]);
  if (hidden) return no(hidden);
  for (const p of pathForms) {
    if (p.includes('//')) return no('an empty path segment');
    if (p.split('/').some((seg) => seg === '.' || seg === '..')) return no('a dot segment in the path');
  }
  return { ok: true, url, relative: url.pathname.slice(root.path.length) + url.search };
}

/** For a request about to carry our token: the service's origin, no userinfo, under the configured path. */
export function withinService(requestUrl: string, root: ServiceRoot): boolean {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return false;
  }
  return (
    url.origin === root.origin && url.username === '' && url.password === '' && url.pathname.startsWith(`${root.path}/`)
  );
}
