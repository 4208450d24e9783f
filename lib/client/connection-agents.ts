import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { getProxyForUrl } from 'proxy-from-env';
import { PROXY_RULE } from '../options/option-problems.js';

/** The agents every request to WeCom goes through, and the proxy they tunnel through, if any. */
export interface ConnectionAgents {
  httpAgent: HttpAgent;
  httpsAgent: HttpsAgent;
  /** The proxy's origin (credentials left out), for the start-up log line. */
  proxy?: string;
  destroy(): void;
}

/** An environment variable in either case, as proxy-from-env reads it. */
const env = (name: string): string =>
  process.env[name.toLowerCase()] || process.env[name.toUpperCase()] || '';

/**
 * The proxy the environment names for `baseUrl`: HTTPS_PROXY (HTTP_PROXY for an http:// base
 * URL) or ALL_PROXY, unless NO_PROXY excludes the host — the rules of curl, as proxy-from-env
 * applies them. A value without a scheme (`proxy.corp:8080`) is an HTTP proxy, as curl reads it;
 * proxy-from-env would give it the target's scheme, and speaking TLS to a plain proxy fails.
 */
export function proxyFromEnv(baseUrl: string): string {
  const found = getProxyForUrl(baseUrl);
  if (!found) return '';
  const scheme = new URL(baseUrl).protocol.slice(0, -1);
  const raw = env(`${scheme}_proxy`) || env('all_proxy');
  return raw && !raw.includes('://') ? `http://${raw}` : found;
}

/**
 * Kept-alive agents to `baseUrl`, tunnelled through a proxy (HTTP CONNECT) when `proxy` names one
 * or, unless `proxy` is false, when the environment does ({@link proxyFromEnv}). Enterprises reach
 * WeCom from a fixed egress IP (its trusted-IP list, errcode 60020), often through such a proxy.
 */
export function connectionAgents(
  baseUrl: string,
  proxy: string | false | undefined,
): ConnectionAgents {
  const through = proxy === false ? '' : (proxy ?? proxyFromEnv(baseUrl));
  if (!through) {
    // Kept-alive connections save a TCP (and, to WeCom, a TLS) handshake per upload.
    const httpAgent = new HttpAgent({ keepAlive: true });
    const httpsAgent = new HttpsAgent({ keepAlive: true });
    return {
      httpAgent,
      httpsAgent,
      destroy: () => {
        httpAgent.destroy();
        httpsAgent.destroy();
      },
    };
  }
  // One CONNECT tunnel per kept-alive socket, whether WeCom's side is HTTPS (TLS inside the
  // tunnel) or, in tests, plain HTTP.
  const url = new URL(through);
  if (url.protocol !== 'http:') {
    throw new Error(
      `the proxy for ${baseUrl} from the environment must be ${PROXY_RULE}; got the scheme ${url.protocol}`,
    );
  }
  const tunnel = new HttpsProxyAgent(through, { keepAlive: true });
  return {
    httpAgent: tunnel as unknown as HttpAgent,
    httpsAgent: tunnel as unknown as HttpsAgent,
    proxy: `${url.protocol}//${url.host}`,
    destroy: () => tunnel.destroy(),
  };
}
