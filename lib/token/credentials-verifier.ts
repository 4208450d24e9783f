import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import {
  LOGGER_CONTEXT,
  WECOM_ACCESS_TOKEN_PROVIDER,
  WECOM_RESOLVED_OPTIONS,
} from '../wecom-media.constants.js';
import type { AccessTokenProvider } from './access-token-provider.interface.js';
import type { ResolvedWecomMediaOptions } from '../options/resolve-options.js';
import { SuiteTokenProvider } from './suite-token.provider.js';

/**
 * `verifyCredentials`: fetches a token while the app boots, so that a wrong secret or corp id
 * fails the boot with `WecomInvalidCredentialsError` (and any other failure to get a token fails
 * it too, saying why) rather than the first upload.
 */
@Injectable()
export class CredentialsVerifier implements OnApplicationBootstrap {
  private readonly logger = new Logger(LOGGER_CONTEXT);

  constructor(
    @Inject(WECOM_RESOLVED_OPTIONS) private readonly options: ResolvedWecomMediaOptions,
    @Inject(WECOM_ACCESS_TOKEN_PROVIDER) private readonly tokens: AccessTokenProvider,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.options.verifyCredentials) return;
    const { corpId } = this.options;
    if (corpId !== undefined) {
      await this.tokens.getToken({ corpId });
      this.logger.log(`verified the credentials of corp ${corpId}: WeCom issued a token`);
      return;
    }
    // No default corp: the suite's own credentials can still be checked; a secret per corp only
    // when that corp first uploads.
    if (this.tokens instanceof SuiteTokenProvider) {
      await this.tokens.suiteAccessToken();
      this.logger.log('verified the suite credentials: WeCom issued a suite token');
      return;
    }
    this.logger.warn(
      "verifyCredentials: there is no default corp (corpId) to verify; each corp's secret is checked at its first upload",
    );
  }
}
