import { EN_MESSAGES, type Messages } from '../messages/index.js';
import { isIP } from 'node:net';
import type { Violation } from '../rules/violation.interface.js';
import { addressClass, canonicalAddress } from './address-class.js';
import { addressViolation, hostViolation, schemeViolation } from './url-violations.js';

/** One compiled `allowedHosts` entry. */
interface HostEntry {
  /** `name`: that host; `suffix`: any subdomain of `host`; `address`: that IP address. */
  readonly kind: 'name' | 'suffix' | 'address';
  /** Lower case, punycoded, no trailing dot; an address in {@link canonicalAddress} form. */
  readonly host: string;
  /** Undefined: any port. */
  readonly port?: number;
}

/** A URL's host as the entries are matched against it. */
interface UrlHost {
  /** The name without brackets or a trailing dot, for matching names and suffixes. */
  name: string;
  /** Set when the host is an IP literal. */
  address?: string;
  /** The port, the scheme's default when none is written. */
  port: number;
  /** `host:port`, for messages. */
  label: string;
}

const SCHEMES = new Set(['http:', 'https:']);
// What a host can hold; anything else (a path, a query, userinfo, spaces) means a wrong entry.
const NOT_A_HOST = /[/?#@\\\s%*]/;

/**
 * Compiled `allowedHosts`. Entry forms: 'cdn.example.com' (any port), '*.example.com' (any
 * subdomain, not the apex), 'cdn.example.com:8443' (that port only), an IP literal '203.0.113.7' /
 * '[2001:db8::1]' (optionally :port). Names are matched as the WHATWG URL parser writes them
 * (lower case, punycode, IPv4 in dotted decimal), so `http://2130706433/` is 127.0.0.1.
 *
 *
 */
export class UrlPolicy {
  private readonly entries: readonly HostEntry[];

  /**
   * @param messages - the language of the violations.
   * @throws TypeError naming every entry that is not one of the forms above.
   */
  constructor(
    allowedHosts: readonly string[],
    private readonly messages: Messages = EN_MESSAGES,
  ) {
    const parsed = allowedHosts.map(parseHostEntry);
    const problems = parsed.filter((p): p is string => typeof p === 'string');
    if (problems.length > 0) throw new TypeError(`urlSources.allowedHosts: ${problems.join('; ')}`);
    this.entries = parsed as HostEntry[];
  }

  /** The rule `url` breaks before any look-up: a scheme other than http(s), or a host not listed. */
  refuseUrl(url: URL): Violation | undefined {
    if (!SCHEMES.has(url.protocol)) return schemeViolation(url, this.messages);
    const host = urlHost(url);
    if (!this.entries.some((entry) => hostMatches(entry, host))) {
      return hostViolation(host.label, this.entries.length, this.messages);
    }
    return undefined;
  }

  /**
   * The rule `address`, one of the addresses `url`'s host resolves to, breaks: an address that is
   * not public, unless the entries list that very address (for `url`'s port).
   */
  refuseAddress(url: URL, address: string): Violation | undefined {
    const found = addressClass(address);
    if (found === 'public') return undefined;
    const host = urlHost(url);
    const canonical = canonicalAddress(address);
    const listed = this.entries.some(
      (e) => e.kind === 'address' && e.host === canonical && portMatches(e, host),
    );
    return listed ? undefined : addressViolation(host.label, address, found, this.messages);
  }
}

/** Why `entry` is not an allowed-host entry, in words; undefined when it is one. */
export function hostEntryProblem(entry: string): string | undefined {
  const parsed = parseHostEntry(entry);
  return typeof parsed === 'string' ? parsed : undefined;
}

function parseHostEntry(entry: string): HostEntry | string {
  const shown = JSON.stringify(entry);
  const split = splitPort(entry.trim());
  if (!split) return `${shown} has a port that is not 1 to 65535`;
  const wildcard = split.host.startsWith('*.');
  const host = wildcard ? split.host.slice(2) : split.host;
  if (host === '' || NOT_A_HOST.test(host)) {
    return `${shown} is not a host name, '*.' and a domain, or an IP address (optionally :port)`;
  }
  const normal = normalHost(host);
  if (normal === undefined) return `${shown} is not a valid host`;
  const address = canonicalAddress(normal);
  if (address !== undefined) {
    return wildcard
      ? `${shown}: '*.' takes a domain, not an address`
      : { kind: 'address', host: address, port: split.port };
  }
  // '*.com' would allow every .com host: a suffix names a domain of its own.
  if (wildcard && !normal.includes('.')) return `${shown}: '*.' takes a domain with a dot in it`;
  return { kind: wildcard ? 'suffix' : 'name', host: normal, port: split.port };
}

/** `host[:port]`, `[v6][:port]` or a bare IPv6 address; undefined when the port is bad. */
function splitPort(entry: string): { host: string; port?: number } | undefined {
  const bracketed = /^(\[[^\]]*\])(?::(\d+))?$/.exec(entry);
  const plain = /^([^:]*)(?::(\d+))?$/.exec(entry);
  // More than one colon and no brackets: an IPv6 address without a port.
  const match = bracketed ?? plain ?? [entry, entry, undefined];
  const port = match[2] === undefined ? undefined : Number(match[2]);
  if (port !== undefined && !(port >= 1 && port <= 65_535)) return undefined;
  return { host: match[1] ?? '', port };
}

/** `host` as the URL parser writes it, without brackets or trailing dot; undefined if invalid. */
function normalHost(host: string): string | undefined {
  const bracketed = isIP(host) === 6 ? `[${host}]` : host;
  try {
    const url = new URL(`http://${bracketed}/`);
    return url.host === url.hostname ? bareName(url.hostname) : undefined;
  } catch {
    return undefined;
  }
}

/** A hostname without IPv6 brackets or the trailing dot of an absolute name. */
function bareName(hostname: string): string {
  if (hostname.startsWith('[')) return hostname.slice(1, -1);
  return hostname.endsWith('.') ? hostname.slice(0, -1) : hostname;
}

function urlHost(url: URL): UrlHost {
  const name = bareName(url.hostname);
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  const address = canonicalAddress(name);
  return { name, address, port, label: `${url.hostname}:${port}` };
}

function hostMatches(entry: HostEntry, host: UrlHost): boolean {
  if (!portMatches(entry, host)) return false;
  if (entry.kind === 'address') return host.address === entry.host;
  if (host.address !== undefined) return false;
  return entry.kind === 'name' ? host.name === entry.host : host.name.endsWith(`.${entry.host}`);
}

const portMatches = (entry: HostEntry, host: UrlHost): boolean =>
  entry.port === undefined || entry.port === host.port;
