import { EN_MESSAGES, type Messages } from '../messages/index.js';
import type { Violation } from '../rules/violation.interface.js';
import { describeUrl } from './url-parts.js';

// The violations of the URL rules, each naming the rule, the limit and the actual value in the
// caller's locale; never a URL's query, fragment or credentials.

/** `url`'s scheme is not http: or https:. */
export const schemeViolation = (url: URL, m: Messages = EN_MESSAGES): Violation => ({
  rule: 'url-scheme',
  message: m.urlScheme(url.protocol),
  limit: 'http:, https:',
  actual: url.protocol,
});

/** `host` (`name:port`) is not listed. */
export const hostViolation = (
  host: string,
  listed: number,
  m: Messages = EN_MESSAGES,
): Violation => ({
  rule: 'url-host',
  message: m.urlHost(host, listed),
  limit: 'urlSources.allowedHosts',
  actual: host,
});

/** `host` resolved to `address`, of class `addressClass`, which is not public nor listed. */
export const addressViolation = (
  host: string,
  address: string,
  addressClass: string,
  m: Messages = EN_MESSAGES,
): Violation => ({
  rule: 'url-address',
  message: m.urlAddress(host, address, addressClass),
  limit: 'public',
  actual: addressClass,
});

/** `url` redirected once more than `limit` allows. */
export const redirectsViolation = (
  limit: number,
  url: URL,
  m: Messages = EN_MESSAGES,
): Violation => ({
  rule: 'url-redirects',
  message: m.urlRedirects(limit, describeUrl(url)),
  limit,
  actual: limit + 1,
});

/** `url`'s Content-Length, `actual`, is over `limit`. */
export const maxSizeViolation = (
  limit: number,
  actual: number,
  url: URL,
  m: Messages = EN_MESSAGES,
): Violation => ({
  rule: 'max-size',
  message: m.urlTooLarge(limit, actual, describeUrl(url)),
  limit,
  actual,
});
