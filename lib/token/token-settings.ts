import { createHash } from 'node:crypto';
import type { WecomHttpClient } from '../client/wecom-http.client.js';
import type { SecretRedactor } from '../client/secret-redactor.js';
import { WecomCredentialSourceError } from '../errors/wecom-credential-source.error.js';
import type { WecomStore } from '../store/wecom-store.interface.js';
import type { WecomTelemetry } from '../operations/telemetry/wecom-telemetry.js';

/** What every token source of the module shares. */
export interface TokenSettings {
  store: WecomStore;
  client: WecomHttpClient;
  /** Refresh in the background once a token has less than this left. */
  refreshAheadMs: number;
  /** The refresh lock: its lease, and the longest wait for another holder's token. */
  lock: { leaseMs: number; waitMs: number };
  /** How long refused credentials are remembered (and WeCom not asked again). */
  credentialsCooldownMs: number;
  /** Learns each credential the app's callbacks hand over, so that no log or error quotes it. */
  redactor: SecretRedactor;
  /** The longest wait for a credential callback (the module's `timeoutMs`). */
  callbackTimeoutMs: number;
  /** Traces and counts each token fetch. */
  telemetry?: WecomTelemetry;
}

/**
 * A short, stable name for a credential: store keys name an app by it, so that the credential
 * itself never becomes a key, and a new one (a new deployment, a new ticket) gets keys, and a
 * cool-down, of its own.
 */
export const fingerprint = (...parts: string[]): string =>
  createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 16);

/** How a credential callback is called. */
export interface CredentialCall {
  /** The callback as the options name it, for errors: `secretFor('ww…')`. */
  what: string;
  call: () => string | Promise<string>;
  redactor: SecretRedactor;
  /** The longest wait for it: a vault that never answers must not hold up the corp for ever. */
  timeoutMs: number;
  /** A credential that rotates (the suite ticket): the redactor keeps only its latest values. */
  rotatingSlot?: string;
}

/**
 * A credential from the app's callback: a non-empty string, made known to the redactor before it
 * is ever sent. A callback that throws, gives no string or does not answer within `timeoutMs` is a
 * {@link WecomCredentialSourceError} naming the callback, never the value, its own message
 * redacted of every credential the module knows.
 */
export async function credentialFrom({
  what,
  call,
  redactor,
  timeoutMs,
  rotatingSlot,
}: CredentialCall): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new WecomCredentialSourceError(what, 'timeout', `did not answer within ${timeoutMs} ms`),
        ),
      timeoutMs,
    );
  });
  let value: unknown;
  try {
    value = await Promise.race([Promise.resolve().then(call), timeout]);
  } catch (error) {
    if (error instanceof WecomCredentialSourceError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new WecomCredentialSourceError(what, 'threw', `threw: ${redactor.redact(message)}`);
  } finally {
    clearTimeout(timer);
  }
  if (typeof value !== 'string' || value.trim() === '') {
    const got = typeof value === 'string' ? 'an empty string' : typeof value;
    throw new WecomCredentialSourceError(
      what,
      'empty',
      `returned no credential (a non-empty string is needed; got ${got})`,
    );
  }
  if (rotatingSlot) redactor.addRotating(rotatingSlot, value);
  else redactor.addSecret(value);
  return value;
}
