import { BlockList, isIP } from 'node:net'

const loopback = new BlockList()
loopback.addSubnet('127.0.0.0', 8, 'ipv4')
loopback.addAddress('::1', 'ipv6')
loopback.addSubnet('::ffff:127.0.0.0', 104, 'ipv6')

/** Whether `host` is an address only this machine reaches (a name other than localhost is not). */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1')
  if (bare.toLowerCase() === 'localhost') return true
  const family = isIP(bare)
  if (family === 0) return false
  return loopback.check(bare, family === 4 ? 'ipv4' : 'ipv6')
}

/** The host of a `Host` header, without its port (`[::1]:8080` → `[::1]`). */
export function hostOfHeader(header: string): string {
  const bracketed = /^(\[[^\]]*\])(?::\d*)?$/.exec(header)
  if (bracketed?.[1] !== undefined) return bracketed[1]
  return header.replace(/:\d*$/, '')
}
