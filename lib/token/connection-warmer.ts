import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { SuiteTokenProvider } from './suite-token.provider.js';
import {
  LOGGER_CONTEXT,
  WECOM_ACCESS_TOKEN_PROVIDER,
  WECOM_RESOLVED_OPTIONS,
} from '../wecom-media.constants.js';
import { WecomError } from '../errors/wecom.error.js';
import type { AccessTokenProvider } from './access-token-provider.interface.js';
import type { ResolvedWecomMediaOptions } from '../options/resolve-options.js';
import { WecomHttpClient } from '../client/wecom-http.client.js';

/**
 * `warmUp`: while the app boots, fetches the default corp's token (a third-party app without a
 * default corp: its suite token) and leaves a connection to WeCom open in the pool, so that the
 * first upload of a process — a cron job's, a queue consumer's — skips TCP, TLS and gettoken.
 * It runs in the background: it never delays the boot, and a failure is a warning, once; the
 * first upload then does the work itself.
 */
@Injectable()
export class ConnectionWarmer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(LOGGER_CONTEXT);
  private readonly stop = new AbortController();
  private running: Promise<void> | undefined;

  constructor(
    @Inject(WECOM_RESOLVED_OPTIONS) private readonly options: ResolvedWecomMediaOptions,
    @Inject(WECOM_ACCESS_TOKEN_PROVIDER) private readonly tokens: AccessTokenProvider,
    private readonly client: WecomHttpClient,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.options.warmUp) return;
    const { signal } = this.stop;
    this.running = this.warm(signal).catch((error: unknown) => {
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
    return this.running ?? Promise.resolve();
  }

  private async warm(signal: AbortSignal): Promise<void> {
    const { corpId, verifyCredentials } = this.options;
    try {
      if (corpId !== undefined) await this.tokens.getToken({ corpId, signal });
      else if (this.tokens instanceof SuiteTokenProvider)
        await this.tokens.suiteAccessToken(signal);
    } catch (error) {
      // With verifyCredentials the same fetch fails the boot, which says why: no second word.
      if (!verifyCredentials) throw error;
    }
    // A token from the store (another replica's) opened no connection: open one.
    await this.client.connect(signal);
  }
}
