import { Type } from 'class-transformer';
import { IsEnum, IsIn } from 'class-validator';
import { ATTACHMENT_TYPES, AttachmentType } from '../attachment-type.enum.js';
import { MediaType } from '../media-type.enum.js';
import { EN_MESSAGES } from '../messages/index.js';
import { IsAllowedCombination } from './attachment-combination.constraint.js';

/**
 * The query of an upload request, named as WeCom names it:
 * `?media_type=image&attachment_type=1`, for your own controllers. Use with
 * `ValidationPipe({ transform: true })`. The pairing check uses the doc's rules
 * (`DEFAULT_ATTACHMENT_RULES`); `AttachmentService` judges again by the module's own rules.
 *
 * @publicApi
 */
export class UploadAttachmentQueryDto {
  /** `image`, `video` or `file`. */
  @IsEnum(MediaType, { message: (args) => EN_MESSAGES.mediaType(args.value) })
  media_type!: MediaType;

  /** 1 (moments) or 2 (product album); the query string is turned into a number. */
  @Type(() => Number)
  @IsIn(ATTACHMENT_TYPES, { message: (args) => EN_MESSAGES.attachmentType(args.value) })
  @IsAllowedCombination('media_type')
  attachment_type!: AttachmentType;
}
