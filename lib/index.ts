export { AttachmentService } from './attachment.service.js';
export { maskSecrets } from './client/mask-secrets.js';
export { sanitizeFilename } from './client/multipart-body.js';
export type { RetryOptions } from './client/backoff.js';
export * from './enums/index.js';
export * from './errors/index.js';
export * from './interfaces/index.js';
export {
  BufferReader,
  CountingReader,
  DEFAULT_ATTACHMENT_RULES,
  FileHandleReader,
  checkAttachment,
  checkCombination,
  detectFormat,
  formatBytes,
  inspectMedia,
  resolveRules,
  type AttachmentFacts,
  type AttachmentRules,
  type AttachmentRulesOverride,
  type ByteReader,
  type MediaFormat,
  type MediaInfo,
  type MediaTypeRule,
} from './media/index.js';
export { FallbackStore, type FallbackStoreOptions } from './store/fallback.store.js';
export { MemoryStore } from './store/memory.store.js';
export { RedisStore, type RedisClientLike, type RedisStoreOptions } from './store/redis.store.js';
export { CorpAccessTokenProvider } from './token/corp-access-token.provider.js';
export {
  WECOM_ACCESS_TOKEN_PROVIDER,
  WECOM_ATTACHMENT_RULES,
  WECOM_MEDIA_ID_CACHE,
  WECOM_STORE,
} from './wecom-media.constants.js';
export { MODULE_OPTIONS_TOKEN as WECOM_MEDIA_MODULE_OPTIONS } from './wecom-media.module-definition.js';
export { WecomMediaModule } from './wecom-media.module.js';
export { UploadAttachmentQueryDto } from './dto/upload-attachment-query.dto.js';
export {
  AttachmentCombinationConstraint,
  IsAllowedCombination,
} from './validation/attachment-combination.constraint.js';
export {
  AttachmentFileValidator,
  type AttachmentFileValidatorOptions,
  type ValidatedFile,
} from './validation/attachment-file.validator.js';
