// A small reader for FetchXML (learn.microsoft.com/power-apps/developer/data-platform/fetchxml/overview): elements,
// attributes and the text of <value> elements, enough for sync filters. No DTDs, no entities but the five XML ones.

export interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  text: string;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const decode = (s: string) => s.replace(/&(lt|gt|amp|quot|apos);/g, (_, e: string) => ENTITIES[e]);
const MAX_CHARS = 100_000;

/** Parses one document; undefined when it is not well-formed (the filter is then reported, never guessed). */
export function parseXml(xml: string): XmlNode | undefined {
  if (xml.length > MAX_CHARS) return undefined;
  const root: XmlNode = { name: '#root', attrs: {}, children: [], text: '' };
  const stack: XmlNode[] = [root];
  const tag =
    /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<(\/?)([A-Za-z_][\w.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)/gy;
  let m: RegExpExecArray | null;
  let at = 0;
  while (at < xml.length) {
    tag.lastIndex = at;
    m = tag.exec(xml);
    if (!m) return undefined;
    at = tag.lastIndex;
    const top = stack[stack.length - 1];
    if (m[5] !== undefined) {
      top.text += decode(m[5]);
      continue;
    }
    if (!m[2]) continue; // comment or declaration
    if (m[1]) {
      if (top.name !== m[2] || stack.length < 2) return undefined;
      stack.pop();
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of m[3].matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g))
      attrs[a[1].toLowerCase()] = decode(a[2] ?? a[3] ?? '');
    const node: XmlNode = { name: m[2].toLowerCase(), attrs, children: [], text: '' };
    top.children.push(node);
    if (!m[4]) stack.push(node);
  }
  if (stack.length !== 1) return undefined;
  const elements = root.children;
  return elements.length === 1 ? elements[0] : undefined;
}
