import { randomBytes } from 'node:crypto';

/**
 * The access tokens gettoken issued, so that upload_attachment can tell a live token from an
 * unknown or expired one, as WeCom does.
 */
export class AccessTokens {
  /** Every token issued, oldest first: the emulator's `issuedTokens`. */
  readonly issued: string[] = [];
  /** When each token expires, in epoch ms; 0 once expired on demand. */
  private readonly expiresAt = new Map<string, number>();

  /** Issues a token that expires in `ttlSeconds`. */
  issue(ttlSeconds: number): string {
    // Unguessable and opaque like WeCom's, so that a client can only use the token it was given.
    const token = randomBytes(48).toString('base64url');
    this.expiresAt.set(token, Date.now() + ttlSeconds * 1000);
    this.issued.push(token);
    return token;
  }

  /**
   * The errcode WeCom answers a call that carries `token` (41001 missing, 40014 unknown, 42001
   * expired), or undefined when the token is live.
   */
  refusal(token: string | undefined): number | undefined {
    if (!token) return 41001;
    const expiresAt = this.expiresAt.get(token);
    if (expiresAt === undefined) return 40014;
    if (expiresAt <= Date.now()) return 42001;
    return undefined;
  }

  /** Expires every token issued so far, as WeCom may do early. */
  expireAll(): void {
    for (const token of this.expiresAt.keys()) this.expiresAt.set(token, 0);
  }

  /** Forgets every token. */
  clear(): void {
    this.issued.length = 0;
    this.expiresAt.clear();
  }
}
