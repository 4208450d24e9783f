import { untilAborted } from '../client/until-aborted.js';
import { WecomInvalidCredentialsError } from '../errors/wecom-api.error.js';
import type { AccessTokenProvider, TokenRequest } from './access-token-provider.interface.js';
import type { StoredToken } from './stored-token.js';

/**
 * A provider that keeps one {@link StoredToken} per corp, made on first use from the corp's
 * credential (a secret, a permanent code) that the app's callback gives. A credential that could
 * not be read, or that WeCom refused (or a cool-down remembers as refused), is asked for again on
 * the corp's next call: a rotated secret or a re-authorised corp's new code is used at once, while
 * the same credential meets the cool-down without calling WeCom.
 */
export abstract class PerCorpTokens implements AccessTokenProvider {
  private readonly corps = new Map<string, Promise<StoredToken>>();

  /** The API whose refusal is the corp credential's fault (gettoken, get_corp_token). */
  protected abstract readonly issuer: string;

  /** The corp's StoredToken, after asking the app's callback for its credential. */
  protected abstract create(corpId: string): Promise<StoredToken>;

  async getToken({ corpId, signal }: TokenRequest): Promise<string> {
    const entry = this.tokenOf(corpId);
    try {
      // A caller who gives up stops waiting, even for a callback that has not answered yet.
      return await (await untilAborted(entry, signal)).get(signal);
    } catch (error) {
      if (error instanceof WecomInvalidCredentialsError && error.api === this.issuer) {
        this.forget(corpId, entry);
      }
      throw error;
    }
  }

  async invalidate(token: string, { corpId }: { corpId: string }): Promise<void> {
    const stored = await this.corps.get(corpId)?.catch(() => undefined);
    await stored?.invalidate(token);
  }

  private tokenOf(corpId: string): Promise<StoredToken> {
    let entry = this.corps.get(corpId);
    if (!entry) {
      entry = this.create(corpId);
      this.corps.set(corpId, entry);
      // A credential that could not be read is asked for again next time.
      entry.catch(() => this.forget(corpId, entry));
    }
    return entry;
  }

  private forget(corpId: string, entry: Promise<StoredToken> | undefined): void {
    if (this.corps.get(corpId) === entry) this.corps.delete(corpId);
  }
}
