import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** `public`, or the kebab-cased ipaddr.js range that makes an address unfit to download from. */
export type AddressClass = string;

// NAT64's well-known prefix: the gateway connects to the IPv4 address in its last 32 bits.
const NAT64 = ipaddr.parseCIDR('64:ff9b::/96');
// ipaddr.js calls every IPv6 address outside its special ranges unicast, ::/96 (IPv4-compatible)
// and other unassigned space too; only 2000::/3 is assigned as global unicast.
const GLOBAL_UNICAST = ipaddr.parseCIDR('2000::/3');

/**
 * What kind of address `address` is: `public` for a global unicast address, else its class
 * (`loopback`, `private`, `link-local`, `unique-local`, `carrier-grade-nat`, `multicast`,
 * `unspecified`, `reserved`…), or `invalid` when it is no IP address. An IPv4-mapped IPv6
 * address (`::ffff:10.0.0.1`) and a NAT64 one (`64:ff9b::10.0.0.1`) are judged as their IPv4.
 */
export function addressClass(address: string): AddressClass {
  const ip = parseAddress(address);
  if (!ip) return 'invalid';
  const range = ip.range();
  if (range !== 'unicast') return kebab(range);
  if (ip.kind() === 'ipv6' && !ip.match(GLOBAL_UNICAST)) return 'reserved';
  return 'public';
}

/**
 * One spelling per address, for comparing a listed address with a looked-up one: IPv4 dotted,
 * IPv6 compressed (RFC 5952), an IPv4-mapped address as its IPv4; undefined when not an address.
 */
export function canonicalAddress(address: string): string | undefined {
  return parseAddress(address)?.toString();
}

function parseAddress(address: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  // Only the standard spellings (ipaddr.js also takes 0x7f.1 and 2130706433); zone ids
  // (fe80::1%eth0) name an interface, never a host to download from.
  if (isIP(bare) === 0 || bare.includes('%')) return undefined;
  const ip = ipaddr.process(bare);
  if (ip.kind() === 'ipv6' && ip.match(NAT64)) {
    return ipaddr.fromByteArray(ip.toByteArray().slice(12));
  }
  return ip;
}

const kebab = (range: string): string => range.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
