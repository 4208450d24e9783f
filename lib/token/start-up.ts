import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { WecomHttpClient } from '../client/wecom-http.client.js';
import { WecomError } from '../errors/wecom.error.js';
import type { ResolvedWecomMediaOptions } from '../options/resolve-options.js';
import {
  LOGGER_CONTEXT,
  WECOM_ACCESS_TOKEN_PROVIDER,
  WECOM_RESOLVED_OPTIONS,
} from '../wecom-media.constants.js';
import type { AccessTokenProvider } from './access-token-provider.interface.js';
import { SuiteTokenProvider } from './suite-token.provider.js';
import { WecomLogger } from '../operations/telemetry/wecom-logger.js';

/**
 * What the module does while the app boots, in this order:
 * - `verifyCredentials`: fetch the default corp's token (a third-party app without a default
 *   corp: its suite token), so that a wrong secret or corp id fails the boot with
 *   `WecomInvalidCredentialsError` rather than the first upload;
 * - `warmUp`: in the background, fetch that token (unless verifying did) and leave a connection to
 *   WeCom open in the pool, so that the first upload of a process — a cron job's, a queue
 *   consumer's — skips TCP, TLS and gettoken. It never delays the boot; a failure is one warning,
 *   and the first upload does the work itself.
 */
@Injectable()
export class StartUp implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new WecomLogger(LOGGER_CONTEXT);
  private readonly stop = new AbortController();
  private warming: Promise<void> | undefined;

  constructor(
    @Inject(WECOM_RESOLVED_OPTIONS) private readonly options: ResolvedWecomMediaOptions,
    @Inject(WECOM_ACCESS_TOKEN_PROVIDER) private readonly tokens: AccessTokenProvider,
    private readonly client: WecomHttpClient,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { verifyCredentials, warmUp } = this.options;
    // A failure fails the boot, which says why: no warm-up follows it.
    if (verifyCredentials) await this.verify();
    if (!warmUp) return;
    const { signal } = this.stop;
    this.warming = this.warm(signal, !verifyCredentials).catch((error: unknown) => {
      if (signal.aborted) return;
      // The module's errors say what failed without a token or a secret in them; an app's own
      // token provider may put anything in its message, so only its kind is named.
      const why =
        error instanceof WecomError
          ? `${error.name}: ${error.message}`
          : `the token provider failed with ${error instanceof Error ? error.name : 'a non-error'}`;
      this.logger.warn(
        `warm-up failed (${why}); the first upload will fetch the token and connect itself`,
      );
    });
  }

  /**
   * A warm-up still running at shutdown is cut short, and not waited for: an app's token provider
   * that ignores the signal must not hold the shutdown up.
   */
  onModuleDestroy(): void {
    this.stop.abort();
  }

  /** Resolves when the warm-up is over, for tests and for apps that want to wait. */
  get done(): Promise<void> {
    return this.warming ?? Promise.resolve();
  }

  private async verify(): Promise<void> {
    if (!(await this.fetchToken())) {
      this.logger.warn(
        "verifyCredentials: there is no default corp (corpId) to verify; each corp's secret is checked at its first upload",
      );
      return;
    }
    const { corpId } = this.options;
    this.logger.log(
      corpId === undefined
        ? 'verified the suite credentials: WeCom issued a suite token'
        : `verified the credentials of corp ${corpId}: WeCom issued a token`,
    );
  }

  private async warm(signal: AbortSignal, fetchToken: boolean): Promise<void> {
    if (fetchToken) await this.fetchToken(signal);
    // A token from the store (another replica's) opened no connection: open one.
    await this.client.connect(signal);
  }

  /**
   * The default corp's token, or without one a third-party app's suite token; false when there
   * is neither to fetch (secretFor without a default corp).
   */
  private async fetchToken(signal?: AbortSignal): Promise<boolean> {
    const { corpId } = this.options;
    if (corpId !== undefined) await this.tokens.getToken({ corpId, signal });
    else if (this.tokens instanceof SuiteTokenProvider) await this.tokens.suiteAccessToken(signal);
    else return false;
    return true;
  }
}
