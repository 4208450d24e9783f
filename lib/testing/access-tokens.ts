import { randomBytes } from 'node:crypto';

/** A token's owner (the corp it acts for, or the suite) and when it expires. */
interface Issued {
  owner: string;
  /** Epoch ms; 0 once expired on demand. */
  expiresAt: number;
}

/**
 * The tokens the emulator issued, each bound to its owner — a corp for access tokens, a suite for
 * suite tokens — so that a call can tell a live token from an unknown or expired one, and one
 * corp's token is never taken for another's, as WeCom does.
 */
export class AccessTokens {
  /** Every token issued, oldest first: the emulator's `issuedTokens`. */
  readonly issued: string[] = [];
  private readonly tokens = new Map<string, Issued>();

  /** Issues a token for `owner` that expires in `ttlSeconds`. */
  issue(ttlSeconds: number, owner: string): string {
    // Unguessable and opaque like WeCom's, so that a client can only use the token it was given.
    const token = randomBytes(48).toString('base64url');
    this.tokens.set(token, { owner, expiresAt: Date.now() + ttlSeconds * 1000 });
    this.issued.push(token);
    return token;
  }

  /** Whom `token` was issued to, if it was. */
  ownerOf(token: string | undefined): string | undefined {
    return token === undefined ? undefined : this.tokens.get(token)?.owner;
  }

  /**
   * The errcode WeCom answers a call that carries `token`: `codes.missing` without one,
   * `codes.unknown` for one never issued, `codes.expired` for an expired one; undefined when live.
   */
  refusal(
    token: string | undefined,
    codes: { missing: number; unknown: number; expired: number } = ACCESS_TOKEN_CODES,
  ): number | undefined {
    if (!token) return codes.missing;
    const issued = this.tokens.get(token);
    if (issued === undefined) return codes.unknown;
    if (issued.expiresAt <= Date.now()) return codes.expired;
    return undefined;
  }

  /** Expires every token issued so far (of `owner` only, when given), as WeCom may do early. */
  expireAll(owner?: string): void {
    for (const issued of this.tokens.values()) {
      if (owner === undefined || issued.owner === owner) issued.expiresAt = 0;
    }
  }

  /** Forgets every token. */
  clear(): void {
    this.issued.length = 0;
    this.tokens.clear();
  }
}

/**
 * The access-token errcodes of https://developer.work.weixin.qq.com/document/path/90313: 41001
 * missing, 40014 invalid, 42001 expired.
 */
export const ACCESS_TOKEN_CODES = { missing: 41001, unknown: 40014, expired: 42001 } as const;

/**
 * The suite-token errcodes of the same page: 41022 missing (缺少suite_access_token参数), 40082
 * invalid suite_token, 42009 suite_access_token expired.
 */
export const SUITE_TOKEN_CODES = { missing: 41022, unknown: 40082, expired: 42009 } as const;
