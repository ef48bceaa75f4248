import { isIP } from 'node:net'

/** A block of the IANA IPv4 or IPv6 Special-Purpose Address Registry. */
export interface SpecialBlock {
  cidr: string
  name: string
  rfc: string
  /**
   * Where a block carries an IPv4 address inside its IPv6 ones, the bit offset of that address:
   * such an address is refused only when the IPv4 address it carries is special itself.
   */
  embeddedIpv4At?: number
}

/**
 * Every special-purpose block (as of the registries' 2024 revisions), refused as a download
 * target. Blocks are listed whole, even where the registry marks a part globally reachable (an
 * anycast service inside 2001::/23): an image host is never there.
 */
// The first row an address falls in names it: narrower rows come before the rows around them.
export const SPECIAL_BLOCKS: readonly SpecialBlock[] = [
  { cidr: '0.0.0.0/8', name: '"This network"', rfc: 'RFC 791' },
  { cidr: '10.0.0.0/8', name: 'Private-Use', rfc: 'RFC 1918' },
  { cidr: '100.64.0.0/10', name: 'Shared Address Space', rfc: 'RFC 6598' },
  { cidr: '127.0.0.0/8', name: 'Loopback', rfc: 'RFC 1122' },
  { cidr: '169.254.0.0/16', name: 'Link Local', rfc: 'RFC 3927' },
  { cidr: '172.16.0.0/12', name: 'Private-Use', rfc: 'RFC 1918' },
  { cidr: '192.0.0.0/24', name: 'IETF Protocol Assignments', rfc: 'RFC 6890' },
  { cidr: '192.0.2.0/24', name: 'Documentation (TEST-NET-1)', rfc: 'RFC 5737' },
  { cidr: '192.31.196.0/24', name: 'AS112-v4', rfc: 'RFC 7535' },
  { cidr: '192.52.193.0/24', name: 'AMT', rfc: 'RFC 7450' },
  { cidr: '192.88.99.0/24', name: 'Deprecated (6to4 Relay Anycast)', rfc: 'RFC 7526' },
  { cidr: '192.168.0.0/16', name: 'Private-Use', rfc: 'RFC 1918' },
  { cidr: '192.175.48.0/24', name: 'Direct Delegation AS112 Service', rfc: 'RFC 7534' },
  { cidr: '198.18.0.0/15', name: 'Benchmarking', rfc: 'RFC 2544' },
  { cidr: '198.51.100.0/24', name: 'Documentation (TEST-NET-2)', rfc: 'RFC 5737' },
  { cidr: '203.0.113.0/24', name: 'Documentation (TEST-NET-3)', rfc: 'RFC 5737' },
  { cidr: '224.0.0.0/4', name: 'Multicast', rfc: 'RFC 5771' },
  { cidr: '255.255.255.255/32', name: 'Limited Broadcast', rfc: 'RFC 919' },
  { cidr: '240.0.0.0/4', name: 'Reserved', rfc: 'RFC 1112' },

  { cidr: '::/128', name: 'Unspecified Address', rfc: 'RFC 4291' },
  { cidr: '::1/128', name: 'Loopback Address', rfc: 'RFC 4291' },
  { cidr: '::ffff:0:0/96', name: 'IPv4-mapped Address', rfc: 'RFC 4291', embeddedIpv4At: 96 },
  { cidr: '::/96', name: 'IPv4-compatible Address', rfc: 'RFC 4291', embeddedIpv4At: 96 },
  { cidr: '64:ff9b::/96', name: 'IPv4-IPv6 Translation', rfc: 'RFC 6052' },
  { cidr: '64:ff9b:1::/48', name: 'IPv4-IPv6 Translation (local use)', rfc: 'RFC 8215' },
  { cidr: '100::/64', name: 'Discard-Only Address Block', rfc: 'RFC 6666' },
  { cidr: '2001::/23', name: 'IETF Protocol Assignments (incl. Teredo)', rfc: 'RFC 2928' },
  { cidr: '2001:db8::/32', name: 'Documentation', rfc: 'RFC 3849' },
  { cidr: '2002::/16', name: '6to4', rfc: 'RFC 3056', embeddedIpv4At: 16 },
  { cidr: '3fff::/20', name: 'Documentation', rfc: 'RFC 9637' },
  { cidr: '5f00::/16', name: 'Segment Routing (SRv6) SIDs', rfc: 'RFC 9602' },
  { cidr: 'fc00::/7', name: 'Unique-Local', rfc: 'RFC 4193' },
  { cidr: 'fe80::/10', name: 'Link-Local Unicast', rfc: 'RFC 4291' },
  { cidr: 'fec0::/10', name: 'Site-Local Unicast (deprecated)', rfc: 'RFC 3879' },
  { cidr: 'ff00::/8', name: 'Multicast', rfc: 'RFC 4291' },
]

interface CompiledBlock {
  block: SpecialBlock
  bits: 32 | 128
  network: bigint
  prefix: number
}

const COMPILED: CompiledBlock[] = SPECIAL_BLOCKS.map((block) => {
  const [address = '', prefix = ''] = block.cidr.split('/')
  const parsed = parseAddress(address)
  if (parsed === undefined) throw new Error(`bad block ${block.cidr}`)
  return { block, bits: parsed.bits, network: parsed.value, prefix: Number(prefix) }
})

function inBlock(value: bigint, bits: 32 | 128, entry: CompiledBlock): boolean {
  if (entry.bits !== bits) return false
  const shift = BigInt(bits - entry.prefix)
  return value >> shift === entry.network >> shift
}

function lookup(value: bigint, bits: 32 | 128): SpecialBlock | undefined {
  for (const entry of COMPILED) {
    if (!inBlock(value, bits, entry)) continue
    const at = entry.block.embeddedIpv4At
    if (at === undefined) return entry.block
    const embedded = (value >> BigInt(128 - at - 32)) & 0xffffffffn
    const inner = lookup(embedded, 32)
    // An embedded public address makes the whole address as good as that public one.
    return inner === undefined
      ? undefined
      : { ...inner, name: `${inner.name}, embedded (${entry.block.name})` }
  }
  return undefined
}

/**
 * The special-purpose block an IP address lies in, or undefined for a public address (and for
 * anything that is not an IP address: names are judged after they resolve).
 */
export function specialBlockOf(address: string): SpecialBlock | undefined {
  const parsed = parseAddress(address)
  return parsed === undefined ? undefined : lookup(parsed.value, parsed.bits)
}

export function isSpecialAddress(address: string): boolean {
  return specialBlockOf(address) !== undefined
}

function parseAddress(text: string): { bits: 32 | 128; value: bigint } | undefined {
  const address = text.replace(/%.*$/, '')
  const family = isIP(address)
  if (family === 4) return { bits: 32, value: parseIpv4(address) }
  if (family === 6) return { bits: 128, value: parseIpv6(address) }
  return undefined
}

function parseIpv4(address: string): bigint {
  return address.split('.').reduce((value, octet) => (value << 8n) | BigInt(Number(octet)), 0n)
}

/** Only called on text `isIP` accepted as IPv6. */
function parseIpv6(address: string): bigint {
  let text = address.toLowerCase()
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1]
  if (dotted !== undefined) {
    const v4 = Number(parseIpv4(dotted))
    text = `${text.slice(0, -dotted.length)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`
  }
  const [head = '', tail] = text.split('::')
  const words = (part: string) => (part === '' ? [] : part.split(':'))
  const left = words(head)
  const right = tail === undefined ? [] : words(tail)
  const middle: string[] = Array.from({ length: 8 - left.length - right.length }, () => '0')
  return [...left, ...middle, ...right].reduce(
    (value, word) => (value << 16n) | BigInt(parseInt(word, 16)),
    0n,
  )
}
