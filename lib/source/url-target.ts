import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { untilAborted } from '../client/abort.js';
import { AttachmentRuleError } from '../errors/attachment-rule.error.js';
import { AttachmentSourceError } from '../errors/attachment-source.error.js';
import { bareHostname, describeUrl } from './url-parts.js';
import type { UrlPolicy } from './url-policy.js';

/** An address a host resolved to. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to its addresses, as `dns.lookup` with `all: true` does. */
export type HostLookup = (hostname: string) => Promise<ResolvedAddress[]>;

/**
 * The address to connect to for `url`, once the policy allows its scheme and host and every
 * address its host resolves to: a host not listed is refused before any look-up, and one answer
 * that is not public (nor listed) refuses the host, whichever address a connection would pick.
 *
 * @throws AttachmentRuleError for a rule broken; AttachmentSourceError when the look-up fails.
 */
export async function resolveTarget(
  url: URL,
  policy: UrlPolicy,
  lookup: HostLookup = systemLookup,
  signal?: AbortSignal,
): Promise<ResolvedAddress> {
  const refused = policy.refuseUrl(url);
  if (refused) throw new AttachmentRuleError([refused]);
  const addresses = await lookUp(url, lookup, signal);
  for (const { address } of addresses) {
    const violation = policy.refuseAddress(url, address);
    if (violation) throw new AttachmentRuleError([violation]);
  }
  return addresses[0]!;
}

async function lookUp(
  url: URL,
  lookup: HostLookup,
  signal: AbortSignal | undefined,
): Promise<ResolvedAddress[]> {
  const host = bareHostname(url);
  const family = isIP(host);
  if (family === 4 || family === 6) return [{ address: host, family }];
  let addresses: ResolvedAddress[];
  try {
    // dns.lookup cannot be cancelled: an abort stops the wait, not the look-up.
    addresses = await untilAborted(lookup(host), signal);
  } catch (error) {
    if (signal?.aborted) throw error;
    throw unresolved(url, codeOf(error));
  }
  if (addresses.length === 0) throw unresolved(url, 'no address');
  return addresses;
}

const systemLookup: HostLookup = async (hostname) => {
  const answers = await dnsLookup(hostname, { all: true, verbatim: true });
  return answers.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
};

const unresolved = (url: URL, why: string): AttachmentSourceError =>
  new AttachmentSourceError('url', 'unreachable', `${describeUrl(url)} did not resolve: ${why}`);

/** A system error's code (`ENOTFOUND`), never its message. */
export function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[\w.-]{1,64}$/.test(code) ? code : 'an error';
}
