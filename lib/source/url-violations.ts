import type { Violation } from '../rules/violation.interface.js';
import { describeUrl } from './url-parts.js';

// The English message of each URL rule, one function per rule so that it can move to the
// localised messages. Each names the rule, the limit and the actual value; never a URL's query.

export function urlSchemeMessage(actual: string): string {
  return `url-scheme: only http: and https: URLs are downloaded, not ${actual}`;
}

export function urlHostMessage(host: string, listed: number): string {
  return listed === 0
    ? `url-host: ${host} is not allowed: no host is, until urlSources.allowedHosts lists some`
    : `url-host: ${host} is not in urlSources.allowedHosts (${listed} ${listed === 1 ? 'entry' : 'entries'})`;
}

export function urlAddressMessage(host: string, address: string, addressClass: string): string {
  return (
    `url-address: ${host} resolves to ${address}, a ${addressClass} address; only public ` +
    'addresses are downloaded from, unless urlSources.allowedHosts lists the address itself'
  );
}

export function urlRedirectsMessage(limit: number, url: string): string {
  return `url-redirects: ${url} redirected more than ${limit} ${limit === 1 ? 'time' : 'times'} (urlSources.maxRedirects)`;
}

export function urlMaxSizeMessage(limit: number, actual: number, url: string): string {
  return `max-size: ${url} declares ${actual} bytes (Content-Length), over the limit of ${limit} bytes`;
}

/** `url`'s scheme is not http: or https:. */
export const schemeViolation = (url: URL): Violation => ({
  rule: 'url-scheme',
  message: urlSchemeMessage(url.protocol),
  limit: 'http:, https:',
  actual: url.protocol,
});

/** `host` (`name:port`) is not listed. */
export const hostViolation = (host: string, listed: number): Violation => ({
  rule: 'url-host',
  message: urlHostMessage(host, listed),
  limit: 'urlSources.allowedHosts',
  actual: host,
});

/** `host` resolved to `address`, of class `addressClass`, which is not public nor listed. */
export const addressViolation = (
  host: string,
  address: string,
  addressClass: string,
): Violation => ({
  rule: 'url-address',
  message: urlAddressMessage(host, address, addressClass),
  limit: 'public',
  actual: addressClass,
});

/** `url` redirected once more than `limit` allows. */
export const redirectsViolation = (limit: number, url: URL): Violation => ({
  rule: 'url-redirects',
  message: urlRedirectsMessage(limit, describeUrl(url)),
  limit,
  actual: limit + 1,
});

/** `url`'s Content-Length, `actual`, is over `limit`. */
export const maxSizeViolation = (limit: number, actual: number, url: URL): Violation => ({
  rule: 'max-size',
  message: urlMaxSizeMessage(limit, actual, describeUrl(url)),
  limit,
  actual,
});
