// proxy-from-env ships no types; this is the one function the client calls.
declare module 'proxy-from-env' {
  /** The proxy for `url` from HTTP(S)_PROXY / ALL_PROXY / NO_PROXY, or '' for a direct connection. */
  export function getProxyForUrl(url: string | URL): string;
}
