import { HttpModule } from '@nestjs/axios';
import { Module } from '@nestjs/common';
import { AttachmentService } from './attachment.service.js';
import { ConfigurableModuleClass } from './wecom-media.module-definition.js';
import { createWecomMediaProviders } from './wecom-media.providers.js';
import { WECOM_ACCESS_TOKEN_PROVIDER, WECOM_ATTACHMENT_RULES } from './wecom-media.constants.js';

/**
 * Uploads moments (朋友圈) and product-album (商品图册) attachments to WeCom.
 *
 * @example
 * WecomMediaModule.forRoot({ corpId: 'ww…', corpSecret: process.env.WECOM_SECRET })
 */
@Module({
  imports: [HttpModule],
  providers: createWecomMediaProviders(),
  exports: [AttachmentService, WECOM_ACCESS_TOKEN_PROVIDER, WECOM_ATTACHMENT_RULES],
})
export class WecomMediaModule extends ConfigurableModuleClass {}
