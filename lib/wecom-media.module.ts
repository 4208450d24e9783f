import { HttpModule } from '@nestjs/axios';
import { Module, type ConfigurableModuleAsyncOptions, type DynamicModule } from '@nestjs/common';
import { createAttachmentController } from './http/attachment.controller.js';
import { AttachmentService } from './attachment.service.js';
import { MomentService } from './publishing/moment.service.js';
import { ProductAlbumService } from './publishing/product-album.service.js';
import {
  WECOM_ACCESS_TOKEN_PROVIDER,
  WECOM_ATTACHMENT_RULES,
  WECOM_MESSAGES,
} from './wecom-media.constants.js';
import { UploadReceiver } from './http/upload-receiver.js';
import { WecomErrorFilter } from './http/wecom-error.filter.js';
import type {
  WecomMediaModuleExtras,
  WecomMediaModuleOptions,
} from './options/wecom-media-options.js';
import { WECOM_MEDIA_EXTRAS } from './options/option-table.js';
import { ConfigurableModuleClass } from './wecom-media.module-definition.js';
import { createWecomMediaProviders } from './wecom-media.providers.js';
import { RegistrationCheck } from './token/registrations.js';

/**
 * What `WecomMediaModule.forRootAsync` takes: `useFactory` (with `inject` and `imports`),
 * `useClass` or `useExisting` (a class with `createWecomMediaOptions()`), and the extras.
 *
 * @publicApi
 */
export type WecomMediaModuleAsyncOptions = ConfigurableModuleAsyncOptions<
  WecomMediaModuleOptions,
  'createWecomMediaOptions'
> &
  WecomMediaModuleExtras;

/**
 * Uploads moments (朋友圈) and product-album (商品图册) attachments to WeCom.
 *
 * @example
 * `WecomMediaModule.forRoot({ corpId: 'ww…', corpSecret: process.env.WECOM_SECRET })`
 *
 * @publicApi
 */
@Module({
  imports: [HttpModule],
  // The check of a second registration in the same app is the module's own, not an upload's.
  providers: [...createWecomMediaProviders(), RegistrationCheck],
  exports: [
    AttachmentService,
    MomentService,
    ProductAlbumService,
    WECOM_ACCESS_TOKEN_PROVIDER,
    WECOM_ATTACHMENT_RULES,
    // What the building blocks of an app's own endpoints inject in the app's modules.
    UploadReceiver,
    WECOM_MESSAGES,
    WecomErrorFilter,
  ],
})
export class WecomMediaModule {
  /** Registers the module with `options`, and the upload controller when the extra asks for it. */
  static forRoot(options: WecomMediaModuleOptions & WecomMediaModuleExtras): DynamicModule {
    return define(ConfigurableModuleClass.forRoot(options), options);
  }

  /** Like `forRoot`, with options from a factory, a class or an existing provider. */
  static forRootAsync(options: WecomMediaModuleAsyncOptions): DynamicModule {
    return define(ConfigurableModuleClass.forRootAsync(options), options);
  }
}

/**
 * The builder's module (the options provider, `global`) as this class, plus the controller: an
 * extra, not an option, because the route must be known when the module is defined.
 */
function define(built: DynamicModule, given: WecomMediaModuleExtras): DynamicModule {
  // Checked when the module is defined: the route must be known then, and a bad extra fails at once.
  const extras = { isGlobal: given.isGlobal, controller: given.controller };
  const problems = WECOM_MEDIA_EXTRAS.problems(extras, 'WecomMediaModule');
  if (problems.length > 0) {
    throw new Error(`WecomMediaModule extras are invalid:\n - ${problems.join('\n - ')}`);
  }
  const { controller } = WECOM_MEDIA_EXTRAS.resolve(extras);
  return {
    ...built,
    module: WecomMediaModule,
    ...(controller ? { controllers: [createAttachmentController(controller)] } : {}),
  };
}
