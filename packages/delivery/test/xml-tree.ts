/** An element of the XML the tests read back: name, attributes and children (our writer's output has no mixed text). */
export interface TXmlElement {
  name: string
  attrs: Record<string, string>
  children: TXmlElement[]
  parent: TXmlElement | null
}

const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')

/**
 * Reads the element tree of a document xmllint has already found well-formed (tags and attributes
 * only: the FCPXML we write has no text content, comments or CDATA). Throws on a tag it cannot read.
 */
export function readXmlTree(xml: string): TXmlElement {
  const body = xml.replace(/^<\?xml[^>]*\?>\s*/, '').replace(/^<!DOCTYPE[^>]*>\s*/, '')
  const root: TXmlElement = { name: '#document', attrs: {}, children: [], parent: null }
  let current = root
  const tag = /<(\/?)([A-Za-z][\w.-]*)((?:\s+[\w:.-]+="[^"]*")*)\s*(\/?)>|(\S)/g
  for (let m = tag.exec(body); m; m = tag.exec(body)) {
    if (m[5]) throw new Error(`unexpected text at ${m.index}: ${body.slice(m.index, m.index + 40)}`)
    const [, close, name, attrText, selfClose] = m
    if (close) {
      if (current.name !== name) throw new Error(`</${name}> closes <${current.name}>`)
      current = current.parent!
      continue
    }
    const attrs: Record<string, string> = {}
    for (const a of attrText!.matchAll(/([\w:.-]+)="([^"]*)"/g)) attrs[a[1]!] = unescape(a[2]!)
    const el: TXmlElement = { name: name!, attrs, children: [], parent: current }
    current.children.push(el)
    if (!selfClose) current = el
  }
  if (current !== root) throw new Error(`<${current.name}> is never closed`)
  return root.children[0]!
}

export function* walk(el: TXmlElement): Generator<TXmlElement> {
  yield el
  for (const c of el.children) yield* walk(c)
}

export const child = (el: TXmlElement, name: string): TXmlElement[] => el.children.filter((c) => c.name === name)
