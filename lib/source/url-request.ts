import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import { rootCertificates } from 'node:tls';
import { bareHostname, decoded } from './url-parts.js';
import type { ResolvedAddress } from './url-target.js';

/** How one GET is sent. */
export interface HopOptions {
  signal: AbortSignal;
  /** Extra CAs (PEM) besides Node's roots. */
  ca?: ReadonlyArray<string | Buffer>;
}

/**
 * Sends a GET for `url` to `target`, the address already checked, and resolves with the response
 * head. The Host header and the TLS server name stay `url`'s host, so virtual hosts and
 * certificates work, while a second DNS answer (rebinding) never gets a say.
 */
export function requestHop(
  url: URL,
  target: ResolvedAddress,
  options: HopOptions,
): Promise<IncomingMessage> {
  const secure = url.protocol === 'https:';
  const host = bareHostname(url);
  const settings: RequestOptions = {
    method: 'GET',
    host,
    port: url.port || (secure ? 443 : 80),
    path: `${url.pathname}${url.search}`,
    headers: { host: url.host, 'accept-encoding': 'identity', accept: '*/*' },
    // A fresh connection per hop: a pooled one could have been made for another address check.
    agent: false,
    family: target.family,
    lookup: pinnedLookup(target),
    signal: options.signal,
  };
  if (url.username || url.password) {
    settings.auth = `${decoded(url.username)}:${decoded(url.password)}`;
  }
  if (secure) {
    if (isIP(host) === 0) settings.servername = host;
    if (options.ca) settings.ca = [...rootCertificates, ...extraCaCerts(), ...options.ca];
  }
  return new Promise((resolve, reject) => {
    const request = (secure ? httpsRequest : httpRequest)(settings);
    request.once('response', resolve);
    // `on`: a socket error while the body is read is told to the request too (the body fails).
    request.on('error', reject);
    request.end();
  });
}

/**
 * A lookup that answers `target` whatever it is asked. With `family` set Node asks for one address;
 * the `all` form is for a Node that asks otherwise.
 */
function pinnedLookup(target: ResolvedAddress): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
}

/**
 * The certificates NODE_EXTRA_CA_CERTS names, which an explicit `ca` would otherwise drop (as the
 * WeCom client's agents read them).
 */
function extraCaCerts(): string[] {
  const file = process.env.NODE_EXTRA_CA_CERTS;
  if (!file) return [];
  try {
    return [readFileSync(file, 'utf8')];
  } catch {
    return []; // Node has warned about it at start-up already.
  }
}
