/**
 * `scheme://host[:port]/path` of `url`: never its query, fragment or credentials, which carry the
 * signatures and access key ids of signed object-storage URLs. The one way a URL is shown in a
 * message, a log line or a trace.
 */
export function describeUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/** The base name of `url`'s decoded path (`/%E6%98%A5.jpg` is `春.jpg`); '' when it has none. */
export function filenameOf(url: URL): string {
  const name = decoded(url.pathname.slice(url.pathname.lastIndexOf('/') + 1));
  // An encoded separator (%2F, %5C) is still a separator, never part of a name.
  return name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
}

/** `url`'s hostname without the brackets of an IPv6 literal: what DNS and TLS are given. */
export function bareHostname(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

/** A percent-encoded URL part decoded, or as it is when it holds a bad escape. */
export function decoded(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
