// Which IP addresses an outbound call may reach. Merchant URLs are attacker-chosen, so anything that is
// not plainly a public unicast address is refused unless the install opts in (a self-hosted shop
// calling its own LAN, tests calling loopback).
import { BlockList, isIPv4, isIPv6 } from 'node:net'

export type AddressPolicy = {
  /** Accept http:// as well as https:// */
  allowHttp: boolean
  /** Accept loopback hosts/addresses (127.0.0.0/8, ::1, names resolving there) */
  allowLoopback: boolean
  /** Accept private, link-local, metadata, CGNAT, ULA, unspecified, multicast, reserved ranges */
  allowPrivate: boolean
}

export type AddressClass = 'public' | 'loopback' | 'private'

const LOOPBACK = new BlockList()
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4')
LOOPBACK.addAddress('::1', 'ipv6')

const PRIVATE_IPV4: readonly (readonly [string, number])[] = [
  ['0.0.0.0', 8], // "this network"; 0.0.0.0 reaches the local host on most systems
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // CGNAT
  ['169.254.0.0', 16], // link-local, including the 169.254.169.254 cloud metadata service
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // deprecated 6to4 relay anycast
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, including broadcast 255.255.255.255
]

const PRIVATE_IPV6: readonly (readonly [string, number])[] = [
  ['::', 128], // unspecified
  ['100::', 64], // discard-only
  ['2001::', 23], // IETF protocol assignments (Teredo, benchmarking, ORCHID): never a merchant server
  ['2001:db8::', 32], // documentation
  ['64:ff9b:1::', 48], // local-use NAT64: the embedded IPv4 is translated inside someone's network
  ['fc00::', 7], // unique local, including the fd00:ec2::254 metadata service
  ['fe80::', 10], // link-local
  ['fec0::', 10], // deprecated site-local
  ['ff00::', 8], // multicast
]

const PRIVATE = new BlockList()
for (const [network, prefix] of PRIVATE_IPV4) PRIVATE.addSubnet(network, prefix, 'ipv4')
for (const [network, prefix] of PRIVATE_IPV6) PRIVATE.addSubnet(network, prefix, 'ipv6')

/**
 * Classifies an IPv4/IPv6 literal. IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible and NAT64 (64:ff9b::/96)
 * IPv6 are classified by their embedded IPv4. Anything unparsable is 'private' (refuse what we cannot classify).
 */
export function classifyAddress(ip: string): AddressClass {
  if (isIPv4(ip)) return classifyFamily(ip, 'ipv4')
  // A zone index (fe80::1%eth0) names an interface of this host: nothing a merchant URL should pick.
  if (!isIPv6(ip) || ip.includes('%')) return 'private'
  const ownClass = classifyFamily(ip, 'ipv6')
  if (ownClass !== 'public') return ownClass
  const embedded = embeddedIPv4(ipv6Groups(ip))
  return embedded === null ? 'public' : classifyFamily(embedded, 'ipv4')
}

/** null when allowed, else a short reason like 'resolves to a private address (10.0.0.5)' */
export function refusalFor(ip: string, policy: AddressPolicy): string | null {
  switch (classifyAddress(ip)) {
    case 'public':
      return null
    case 'loopback':
      return policy.allowLoopback ? null : `resolves to a loopback address (${ip})`
    case 'private':
      return policy.allowPrivate ? null : `resolves to a private address (${ip})`
  }
}

function classifyFamily(ip: string, family: 'ipv4' | 'ipv6'): AddressClass {
  if (LOOPBACK.check(ip, family)) return 'loopback'
  if (PRIVATE.check(ip, family)) return 'private'
  return 'public'
}

/**
 * The IPv4 address an IPv6 address carries where the network will deliver to that IPv4 host:
 * mapped (::ffff:0:0/96), compatible (::/96), NAT64 (64:ff9b::/96) and 6to4 (2002::/16).
 */
function embeddedIPv4(groups: readonly number[]): string | null {
  const leadingZeros = groups.findIndex((group) => group !== 0)
  const isMapped = leadingZeros === 5 && groups[5] === 0xffff
  const isCompatible = leadingZeros >= 6
  const isNat64 = groups[0] === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((group) => group === 0)
  if (isMapped || isCompatible || isNat64) return dottedQuad(groups[6] ?? 0, groups[7] ?? 0)
  if (groups[0] === 0x2002) return dottedQuad(groups[1] ?? 0, groups[2] ?? 0)
  return null
}

function dottedQuad(high: number, low: number): string {
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.')
}

/** The eight 16-bit groups of an address that `isIPv6` accepted (so the shape is already valid). */
function ipv6Groups(ip: string): number[] {
  const lastColon = ip.lastIndexOf(':')
  const tail = ip.slice(lastColon + 1)
  let text = ip
  if (tail.includes('.')) {
    const [a = 0, b = 0, c = 0, d = 0] = tail.split('.').map(Number)
    text = `${ip.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  const [head = '', rest] = text.split('::')
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((group) => parseInt(group, 16)))
  const headGroups = parse(head)
  const restGroups = rest === undefined ? [] : parse(rest)
  const zeros = new Array<number>(8 - headGroups.length - restGroups.length).fill(0)
  return [...headGroups, ...zeros, ...restGroups]
}

/**
 * The policy for a merchant URL in a mode. Live: https only, public addresses only. Test also
 * takes http:// and loopback, so a merchant can point it at their laptop. `allowPrivate` (the
 * operator's ALLOW_PRIVATE_URLS) lifts the address rules, never the https rule.
 */
export function modePolicy(livemode: boolean, allowPrivate: boolean): AddressPolicy {
  return { allowHttp: !livemode, allowLoopback: allowPrivate || !livemode, allowPrivate }
}
