/**
 * The flat XML of WeCom callbacks (`<xml><Name><![CDATA[value]]></Name>…</xml>`), read and written
 * without an XML library: only one level of elements, CDATA or plain text, the five predefined
 * entities. Anything else is not a WeCom callback and reads as undefined.
 */

const MAX_XML = 64 * 1024;
const ELEMENT = /<([A-Za-z][A-Za-z0-9_]{0,63})>((?:<!\[CDATA\[[\s\S]*?\]\]>|[^<])*)<\/\1>/g;
const PART = /<!\[CDATA\[([\s\S]*?)\]\]>|([^<]+)/g;
const ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** The elements of a flat `<xml>` document, in a null-prototype record; undefined when it is not one. */
export function readFlatXml(text: string): Record<string, string> | undefined {
  if (text.length > MAX_XML) return undefined;
  const body = /^\s*(?:<\?xml[^>]*\?>\s*)?<xml>([\s\S]*)<\/xml>\s*$/.exec(text)?.[1];
  if (body === undefined) return undefined;
  const out = Object.create(null) as Record<string, string>;
  let consumed = '';
  for (const m of body.matchAll(ELEMENT)) {
    const name = m[1] as string;
    // CDATA sections verbatim (a value with "]]>" spans two), text with its entities decoded.
    let value = '';
    for (const part of (m[2] ?? '').matchAll(PART)) value += part[1] ?? (part[2] ?? '').replace(/&(lt|gt|amp|quot|apos);/g, (_e, n: string) => ENTITIES[n] ?? '');
    if (!Object.hasOwn(out, name)) out[name] = value;
    consumed += m[0];
  }
  // Whatever is not an element must be whitespace: nested or broken XML is refused, not half-read.
  const rest = body.replace(ELEMENT, '');
  return rest.trim() === '' && consumed.length > 0 ? out : undefined;
}

/** A CDATA section that holds any text, `]]>` included. */
export function cdata(text: string): string {
  return `<![CDATA[${text.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}

/** A flat `<xml>` document: string values as CDATA, numbers as text. */
export function writeFlatXml(fields: ReadonlyArray<readonly [string, string | number]>): string {
  return `<xml>${fields.map(([name, value]) => `<${name}>${typeof value === 'number' ? String(value) : cdata(value)}</${name}>`).join('')}</xml>`;
}
