import { readFileSync } from 'node:fs';
import { Agent as HttpAgent, ClientRequest } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { rootCertificates } from 'node:tls';
import { isAxiosError } from 'axios';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { getProxyForUrl } from 'proxy-from-env';

/**
 * What a proxy must be. Only plain HTTP proxies: https-proxy-agent leaves an unhandled 'error' on
 * a TLS socket to a proxy that hangs up during the handshake, which would end the process.
 */
export const PROXY_RULE =
  'an http:// URL such as http://proxy.internal:3128 (the tunnel to WeCom is TLS already; a TLS connection to the proxy itself is not supported)';

/** The agents every request to WeCom goes through, and the proxy they tunnel through, if any. */
export interface ConnectionAgents {
  httpAgent: HttpAgent;
  httpsAgent: HttpsAgent;
  /** The proxy's origin (credentials left out), for the start-up log line. */
  proxy?: string;
  destroy(): void;
}

/** How the agents keep connections, and whom they trust. */
export interface AgentSettings {
  /** How long an idle kept-alive connection stays open; undefined: until the server closes it. */
  idleTimeoutMs?: number;
  /** Certificate authorities (PEM) trusted besides Node's roots. */
  ca?: ReadonlyArray<string | Buffer>;
}

/** The certificates NODE_EXTRA_CA_CERTS names, which an explicit `ca` would otherwise drop. */
function extraCaCerts(): string[] {
  const file = process.env.NODE_EXTRA_CA_CERTS;
  if (!file) return [];
  try {
    return [readFileSync(file, 'utf8')];
  } catch {
    return []; // Node has warned about it at start-up already.
  }
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
  { idleTimeoutMs, ca }: AgentSettings = {},
): ConnectionAgents {
  const through = proxy === false ? '' : (proxy ?? proxyFromEnv(baseUrl));
  // Kept-alive connections save a TCP (and, to WeCom, a TLS) handshake per upload. With a
  // `timeout`, Node's agent closes a connection idle that long, or as soon as the server's
  // `Keep-Alive: timeout=N` hint says (less a second); without one it ignores the hint and keeps
  // connections the server has long closed. The timeout never cuts a request short: only idle
  // (free) connections are closed on it.
  const pool: { keepAlive: true; timeout?: number } = {
    keepAlive: true,
    ...(idleTimeoutMs === undefined ? {} : { timeout: idleTimeoutMs }),
  };
  // `ca` replaces Node's roots (and NODE_EXTRA_CA_CERTS): a private CA is added to them.
  const tls = ca ? { ca: [...rootCertificates, ...extraCaCerts(), ...ca] } : {};
  if (!through) {
    const httpAgent = new HttpAgent(pool);
    const httpsAgent = new HttpsAgent({ ...pool, ...tls });
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
  let url: URL;
  try {
    url = new URL(through);
  } catch {
    // Described, never quoted: a proxy URL may carry a password (and URL's error would quote it).
    throw new Error(
      `the proxy for ${baseUrl} from the environment (HTTPS_PROXY, HTTP_PROXY or ALL_PROXY) is not a URL; it must be ${PROXY_RULE}`,
    );
  }
  if (url.protocol !== 'http:') {
    throw new Error(
      `the proxy for ${baseUrl} from the environment must be ${PROXY_RULE}; got the scheme ${url.protocol}`,
    );
  }
  const tunnel = new HttpsProxyAgent(through, { ...pool, ...tls });
  // https-proxy-agent resets the options Node's agent reads (`this.options`), which would drop
  // the idle timeout and the CA for the TLS inside the tunnel: set them again.
  Object.assign(tunnel.options, pool.timeout === undefined ? {} : { timeout: pool.timeout }, tls);
  return {
    httpAgent: tunnel as unknown as HttpAgent,
    httpsAgent: tunnel as unknown as HttpsAgent,
    proxy: `${url.protocol}//${url.host}`,
    destroy: () => tunnel.destroy(),
  };
}

/**
 * Destroys `request` (a ClientRequest) if its socket may still be writing the body: WeCom, or a
 * proxy, may answer before it has read the whole body. Once an attempt settles, nothing may read
 * the body's buffers any more: a file's buffer goes back to a pool (see WHOLE_FILES), and a retry
 * may reuse it. A request whose body was fully written is left alone, its socket kept alive.
 */
export function stopWriting(request: unknown): void {
  if (!(request instanceof ClientRequest)) return;
  if (!request.writableFinished && !request.destroyed) request.destroy();
}

/**
 * The system error code of a failed attempt. A connection reset while WeCom's answer was arriving
 * surfaces from axios as ERR_BAD_RESPONSE "stream has been aborted": it is a reset like one
 * before the answer, and is retried the same way (the body is re-readable).
 */
export function networkCode(error: unknown): string {
  if (!isAxiosError(error)) return 'EUNKNOWN';
  if (error.code === 'ERR_BAD_RESPONSE' && /aborted/i.test(error.message)) return 'ECONNRESET';
  return error.code ?? 'EUNKNOWN';
}
