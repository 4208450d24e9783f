import { Inject, Injectable } from '@nestjs/common';
import { AttachmentService } from '../attachment.service.js';
import { WecomHttpClient } from '../client/wecom-http.client.js';
import { corpTokens, type CorpCall } from '../client/wecom-request.js';
import type { Messages } from '../messages/index.js';
import type { ResolvedWecomMediaOptions } from '../options/resolve-options.js';
import { checkCorpId, servedBy } from '../rules/attachment-rules.js';
import type { AccessTokenProvider } from '../token/access-token-provider.interface.js';
import {
  WECOM_ACCESS_TOKEN_PROVIDER,
  WECOM_MESSAGES,
  WECOM_RESOLVED_OPTIONS,
} from '../wecom-media.constants.js';
import { ruleError } from './publish-files.js';
import type { CorpOptions } from './publishing.interfaces.js';

/**
 * What both publishing services work with: the uploads, the WeCom client, the tokens, the
 * module's options and words — and the corp of each call.
 * @internal
 */
@Injectable()
export class PublishingContext {
  constructor(
    readonly attachments: AttachmentService,
    readonly client: WecomHttpClient,
    @Inject(WECOM_ACCESS_TOKEN_PROVIDER) private readonly tokens: AccessTokenProvider,
    @Inject(WECOM_RESOLVED_OPTIONS) readonly options: ResolvedWecomMediaOptions,
    @Inject(WECOM_MESSAGES) readonly messages: Messages,
  ) {}

  /** A call's corp: its id checked as an upload's is, its tokens, the caller's signal. */
  call({ corpId, signal }: CorpOptions): CorpCall {
    const m = this.messages;
    const problem = checkCorpId(corpId, servedBy(this.options), m);
    if (problem) throw ruleError([problem], m);
    const corp = corpId ?? (this.options.corpId as string);
    return { corpId: corp, tokens: corpTokens(this.tokens, corp), ...(signal ? { signal } : {}) };
  }
}
