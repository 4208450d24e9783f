import { jsonBody, type RequestTokens } from '../client/wecom-request.js';
import { SUITE_TOKEN_ERRCODES } from '../errors/errcodes.js';
import type { WecomResponseBase } from '../client/wecom-http.client.js';
import { WecomProtocolError } from '../errors/wecom-transport.error.js';
import type { SuiteCredentials } from '../options/wecom-media-options.js';
import { CredentialsCooldown } from './credentials-cooldown.js';
import { PerCorpTokens, StoredToken, type TokenState } from './stored-token.js';
import { credentialFrom, fingerprint, type TokenSettings } from './token-settings.js';

/** service/get_suite_token (developer.work.weixin.qq.com/document/path/90600). */
const GET_SUITE_TOKEN_PATH = '/cgi-bin/service/get_suite_token';
/** service/get_corp_token (developer.work.weixin.qq.com/document/path/90605). */
const GET_CORP_TOKEN_PATH = '/cgi-bin/service/get_corp_token';

/** The least time between two suite tokens dropped as expired (see dropSuiteToken). */
const SUITE_DROP_INTERVAL_MS = 60_000;

interface SuiteTokenAnswer extends WecomResponseBase {
  suite_access_token?: string;
  expires_in?: number;
}

interface CorpTokenAnswer extends WecomResponseBase {
  access_token?: string;
  expires_in?: number;
}

/**
 * A third-party (第三方) app's tokens. The suite_access_token (`get_suite_token`, with the latest
 * suite ticket) is one {@link StoredToken} shared by every corp: one fetch per expiry across
 * replicas. Each authorised corp's token (`get_corp_token`, with its permanent code) is a
 * StoredToken of its own. A suite token WeCom calls expired or invalid (42009, 40082) is dropped
 * and fetched again, once; a refused ticket or suite secret cools down the suite, a refused
 * permanent code (40084: a wrong one, or the corp cancelled its authorisation) only its corp, and
 * none of them is retried in a loop. A new ticket or code is tried at once.
 */
export class SuiteTokenProvider extends PerCorpTokens {
  protected readonly issuer = GET_CORP_TOKEN_PATH;
  private readonly suiteToken: StoredToken;
  private lastSuiteDrop = Number.NEGATIVE_INFINITY;

  constructor(private readonly settings: TokenSettings & { suite: SuiteCredentials }) {
    super();
    const { suite, store, client, credentialsCooldownMs, redactor } = settings;
    const app = fingerprint(suite.suiteId, suite.suiteSecret);
    const ticket = (): Promise<string> =>
      credentialFrom({
        what: 'suite.suiteTicket()',
        call: suite.suiteTicket,
        redactor,
        timeoutMs: settings.callbackTimeoutMs,
        rotatingSlot: `suite-ticket:${suite.suiteId}`,
      });
    this.suiteToken = new StoredToken({
      ...settings,
      key: `wecom-media:suite-token:${suite.suiteId}:${app}`,
      api: GET_SUITE_TOKEN_PATH,
      label: `the suite token of ${suite.suiteId}`,
      // A refused ticket is remembered; the next ticket WeCom pushes is tried at once.
      cooldown: async () =>
        new CredentialsCooldown(
          store,
          `wecom-media:refused:suite:${suite.suiteId}:${fingerprint(app, await ticket())}`,
          credentialsCooldownMs,
        ),
      fetch: async () => {
        const answer = await client.request<SuiteTokenAnswer>({
          api: GET_SUITE_TOKEN_PATH,
          method: 'POST',
          query: {},
          urgent: true,
          body: jsonBody({
            suite_id: suite.suiteId,
            suite_secret: suite.suiteSecret,
            suite_ticket: await ticket(),
          }),
        });
        if (typeof answer.suite_access_token !== 'string' || answer.suite_access_token === '') {
          throw new WecomProtocolError(
            GET_SUITE_TOKEN_PATH,
            200,
            'a success answer without suite_access_token',
          );
        }
        return { token: answer.suite_access_token, expiresInSeconds: Number(answer.expires_in) };
      },
    });
  }

  /**
   * @internal For a health probe: a refused suite secret or ticket holds every corp's probe too,
   * or each probe would ask get_suite_token again.
   */
  override async inspect(corpId: string): Promise<TokenState> {
    const corp = await super.inspect(corpId);
    if (corp.held || corp.refused) return corp;
    const suite = await this.suiteToken.inspect();
    return !suite.held && suite.refused ? suite : corp;
  }

  /** The suite token, for `verifyCredentials` without a default corp. */
  suiteAccessToken(signal?: AbortSignal): Promise<string> {
    return this.suiteToken.get(signal);
  }

  /**
   * Drops a suite token WeCom called expired or invalid (42009, 40082) — at most once a minute
   * in this process: a token fetched moments ago and refused again is not expired, and fetching
   * another for every upload would be the call loop WeCom bans for. The refusal reaches the caller
   * as a WecomApiError instead.
   */
  private async dropSuiteToken(token: string): Promise<void> {
    const now = Date.now();
    if (now - this.lastSuiteDrop < SUITE_DROP_INTERVAL_MS) return;
    this.lastSuiteDrop = now;
    await this.suiteToken.invalidate(token);
  }

  protected async create(corpId: string): Promise<StoredToken> {
    const { suite, store, client, credentialsCooldownMs } = this.settings;
    const code = await credentialFrom({
      what: `suite.permanentCode('${corpId}')`,
      call: () => suite.permanentCode(corpId),
      redactor: this.settings.redactor,
      timeoutMs: this.settings.callbackTimeoutMs,
    });
    const cooldown = new CredentialsCooldown(
      store,
      `wecom-media:refused:${corpId}:${fingerprint(suite.suiteId, code)}`,
      credentialsCooldownMs,
    );
    const suiteTokens: RequestTokens = {
      get: (signal) => this.suiteToken.get(signal),
      invalidate: (token) => this.dropSuiteToken(token),
      param: 'suite_access_token',
      expired: SUITE_TOKEN_ERRCODES,
    };
    const { lock } = this.settings;
    return new StoredToken({
      ...this.settings,
      // The fetch may chain get_suite_token and get_corp_token under the lock: lease both.
      lock: { leaseMs: lock.leaseMs * 2, waitMs: lock.waitMs + lock.leaseMs },
      // The suite token first, outside the corp's lock, so that the lock holder rarely chains.
      before: (signal) => this.suiteToken.get(signal).then(() => undefined),
      corpId,
      key: `wecom-media:token:${corpId}:suite-${suite.suiteId}`,
      api: GET_CORP_TOKEN_PATH,
      label: `the access token of corp ${corpId}`,
      cooldown: () => Promise.resolve(cooldown),
      fetch: async () => {
        const answer = await client.request<CorpTokenAnswer>({
          api: GET_CORP_TOKEN_PATH,
          method: 'POST',
          query: {},
          tokens: suiteTokens,
          body: jsonBody({ auth_corpid: corpId, permanent_code: code }),
          corpId,
          urgent: true,
        });
        if (typeof answer.access_token !== 'string' || answer.access_token === '') {
          throw new WecomProtocolError(
            GET_CORP_TOKEN_PATH,
            200,
            'a success answer without access_token',
          );
        }
        return { token: answer.access_token, expiresInSeconds: Number(answer.expires_in) };
      },
    });
  }
}
