import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import {
  LOGGER_CONTEXT,
  WECOM_ACCESS_TOKEN_PROVIDER,
  WECOM_RESOLVED_OPTIONS,
} from '../common/wecom-media.constants.js';
import type { AccessTokenProvider } from '../interfaces/access-token-provider.interface.js';
import type { ResolvedWecomMediaOptions } from '../options/resolve-options.js';

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
    await this.tokens.getToken();
    this.logger.log(
      `verified the credentials of corp ${this.options.corpId}: WeCom issued a token`,
    );
  }
}
