import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { getProxyForUrl } from 'proxy-from-env';

/** The agents every request to WeCom goes through, and the proxy they tunnel through, if any. */
export interface ConnectionAgents {
  httpAgent: HttpAgent;
  httpsAgent: HttpsAgent;
  /** The proxy's origin (credentials left out), for the start-up log line. */
  proxy?: string;
  destroy(): void;
}

/**
 * Kept-alive agents to `baseUrl`, tunnelled through a proxy (HTTP CONNECT) when `proxy` names one
 * or, unless `proxy` is false, when HTTPS_PROXY / HTTP_PROXY / ALL_PROXY name one that NO_PROXY
 * does not exclude. Enterprises reach WeCom from a fixed egress IP (its trusted-IP list, errcode
 * 60020), often through such a proxy.
 */
export function connectionAgents(
  baseUrl: string,
  proxy: string | false | undefined,
): ConnectionAgents {
  const through = proxy === false ? '' : (proxy ?? getProxyForUrl(baseUrl));
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
  const tunnel = new HttpsProxyAgent(through, { keepAlive: true });
  const url = new URL(through);
  return {
    httpAgent: tunnel as unknown as HttpAgent,
    httpsAgent: tunnel as unknown as HttpsAgent,
    proxy: `${url.protocol}//${url.host}`,
    destroy: () => tunnel.destroy(),
  };
}
