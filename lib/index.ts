// The public API of nestjs-wecom-media. Everything else under lib/ is internal; the API report
// (etc/nestjs-wecom-media.api.md) records this surface, and CI fails when it changes unreviewed.
export { WecomMediaModule, type WecomMediaModuleAsyncOptions } from './wecom-media.module.js';
export { AttachmentService } from './attachment.service.js';
export { MomentService } from './publishing/moment.service.js';
export { ProductAlbumService } from './publishing/product-album.service.js';
export type * from './publishing/publishing.interfaces.js';
export { WECOM_ACCESS_TOKEN_PROVIDER, WECOM_ATTACHMENT_RULES } from './wecom-media.constants.js';
export { AttachmentType } from './attachment-type.enum.js';
export { MediaType } from './media-type.enum.js';
export * from './errors/index.js';
export * from './token/access-token-provider.interface.js';
export * from './attachment-input.interface.js';
export type {
  AnonymousFileSource,
  FilePathLike,
  NamedFileSource,
  UploadedFileLike,
} from './source/attachment-source.js';
export * from './rules/attachment-rules.interface.js';
export * from './media/fit/fit-options.interface.js';
export * from './http/upload-attachment-response.interface.js';
export * from './uploaded-attachment.interface.js';
export * from './rules/violation.interface.js';
export * from './options/wecom-media-options.js';
export { WECOM_MEDIA_EXTRAS, WECOM_MEDIA_OPTIONS } from './options/option-table.js';
export type {
  Check,
  Fields,
  InOf,
  OptionalFields,
  OutOf,
  RequiredKeys,
  ShapeIn,
  ShapeOut,
} from './options/option-checks.js';
export * from './store/wecom-store.interface.js';
export type { MediaFormat } from './media/media-format.js';
export type { RemovedMetadata } from './media/location-cut.js';
export type { Locale } from './messages/messages.js';
export { DEFAULT_ATTACHMENT_RULES } from './rules/attachment-rules.js';
export {
  AttachmentFileInterceptor,
  type AttachmentFileInterceptorOptions,
} from './http/attachment-file.interceptor.js';
export {
  AttachmentFilesInterceptor,
  type AttachmentFilesInterceptorOptions,
} from './http/attachment-files.interceptor.js';
export { PublishMomentDto, MomentLinkDto } from './http/publish-moment.dto.js';
export { CreateProductAlbumDto } from './http/create-product-album.dto.js';
export {
  FollowsPublishRule,
  PublishRuleConstraint,
  type PublishFieldRule,
} from './http/publish-rule.constraint.js';
export {
  AttachmentQuery,
  AttachmentQueryInterceptor,
} from './http/attachment-query.interceptor.js';
export { ClientAbortSignal } from './http/client-abort-signal.decorator.js';
export { SharpMissingError } from './media/fit/sharp-loader.js';
export { WecomErrorFilter } from './http/wecom-error.filter.js';
export { MemoryStore } from './store/memory.store.js';
export { RedisStore, type RedisClientLike, type RedisStoreOptions } from './store/redis.store.js';
export { UploadAttachmentQueryDto } from './http/upload-attachment-query.dto.js';
export {
  AttachmentFileValidator,
  type AttachmentFileValidatorOptions,
  type MulterFileLike,
} from './http/attachment-file.validator.js';
