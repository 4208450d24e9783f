import type { RequestTokens } from '../client/wecom-http.client.js';
import type { AccessTokenProvider } from './access-token-provider.interface.js';

/** `provider`'s tokens of `corpId`, as a call carries them: never another corp's. */
export function corpTokens(provider: AccessTokenProvider, corpId: string): RequestTokens {
  return {
    get: (signal) => provider.getToken({ corpId, signal }),
    invalidate: (token) => provider.invalidate(token, { corpId }),
  };
}
