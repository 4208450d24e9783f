import { WecomProtocolError } from '../errors/wecom-transport.error.js';
import { CredentialsCooldown } from './credentials-cooldown.js';
import { PerCorpTokens } from './stored-token.js';
import { StoredToken } from './stored-token.js';
import { credentialFrom, fingerprint, type TokenSettings } from './token-settings.js';

/** gettoken (developer.work.weixin.qq.com/document/path/91039). */
const GETTOKEN_PATH = '/cgi-bin/gettoken';

/** What `gettoken` answers. */
interface GettokenAnswer {
  errcode?: number;
  access_token?: string;
  expires_in?: number;
}

/**
 * `gettoken` with each corp's secret: one corp by its `corpSecret`, or many (代开发 apps, several
 * self-built apps) by `secretFor(corpId)`. Each corp's token is a {@link StoredToken} of its own
 * (cache, refresh-ahead, single-flight across replicas, cool-down after a refused secret), keyed by
 * the corp and its app, so one corp's token is never another's and one corp's trouble never
 * holds up the others. A corp's secret is asked for once per process, and again on each call
 * after WeCom refused it (a rotated secret is picked up at once; the same one meets the cool-down).
 */
export class SecretTokenProvider extends PerCorpTokens {
  protected readonly issuer = GETTOKEN_PATH;

  constructor(
    private readonly settings: TokenSettings & {
      secretFor: (corpId: string) => string | Promise<string>;
    },
  ) {
    super();
  }

  protected async create(corpId: string): Promise<StoredToken> {
    const { store, client, credentialsCooldownMs } = this.settings;
    const secret = await credentialFrom({
      what: `secretFor('${corpId}')`,
      call: () => this.settings.secretFor(corpId),
      redactor: this.settings.redactor,
      timeoutMs: this.settings.callbackTimeoutMs,
    });
    const app = fingerprint(secret);
    const cooldown = new CredentialsCooldown(
      store,
      `wecom-media:refused:${corpId}:${app}`,
      credentialsCooldownMs,
    );
    return new StoredToken({
      ...this.settings,
      corpId,
      key: `wecom-media:token:${corpId}:${app}`,
      api: GETTOKEN_PATH,
      label: `the access token of corp ${corpId}`,
      cooldown: () => Promise.resolve(cooldown),
      fetch: async () => {
        const answer = await client.request<GettokenAnswer>({
          api: GETTOKEN_PATH,
          method: 'GET',
          query: { corpid: corpId, corpsecret: secret },
          corpId,
          urgent: true,
        });
        if (typeof answer.access_token !== 'string' || answer.access_token === '') {
          throw new WecomProtocolError(GETTOKEN_PATH, 200, 'a success answer without access_token');
        }
        return { token: answer.access_token, expiresInSeconds: Number(answer.expires_in) };
      },
    });
  }
}
