import {
  Controller,
  HttpCode,
  HttpStatus,
  Logger,
  Post,
  UploadedFile,
  UseFilters,
  UseGuards,
  UseInterceptors,
  type OnModuleInit,
  type Type,
} from '@nestjs/common';
import { AttachmentService } from './attachment.service.js';
import { LOGGER_CONTEXT } from './common/wecom-media.constants.js';
import { AttachmentFileInterceptor } from './http/attachment-file.interceptor.js';
import { ClientAbortSignal } from './http/client-abort-signal.decorator.js';
import {
  AttachmentQuery,
  AttachmentQueryInterceptor,
} from './http/attachment-query.interceptor.js';
import { WecomErrorFilter } from './http/wecom-error.filter.js';
import type { UploadAttachmentResponse } from './interfaces/upload-attachment-response.interface.js';
import type { ResolvedControllerOptions } from './options/resolve-options.js';

/**
 * A new controller class for one registration, so that two registrations with different paths
 * or guards never share (and rewrite) one class's metadata.
 */
export function createAttachmentController(options: ResolvedControllerOptions): Type {
  @Controller(options.path)
  @UseGuards(...options.guards)
  @UseFilters(WecomErrorFilter)
  class AttachmentController implements OnModuleInit {
    private readonly logger = new Logger(LOGGER_CONTEXT);

    constructor(readonly attachments: AttachmentService) {}

    onModuleInit(): void {
      if (options.guards.length === 0) {
        this.logger.warn(
          `POST /${options.path} is open to anyone who can reach this app and spends the company's WeCom quota: ` +
            'give the controller option guards',
        );
      }
    }

    /** `POST /{path}?media_type=image&attachment_type=1` with the file in the multipart field `media`. */
    @Post()
    @HttpCode(HttpStatus.CREATED)
    @UseInterceptors(
      AttachmentQueryInterceptor,
      AttachmentFileInterceptor('media', { receiveTimeoutMs: options.receiveTimeoutMs }),
    )
    async upload(
      @AttachmentQuery() { mediaType, attachmentType }: AttachmentQuery,
      @UploadedFile() file: Express.Multer.File,
      @ClientAbortSignal() signal: AbortSignal,
    ): Promise<UploadAttachmentResponse> {
      const result = await this.attachments.upload({ file, mediaType, attachmentType, signal });
      return {
        type: result.type,
        media_id: result.mediaId,
        created_at: Math.floor(result.createdAt.getTime() / 1000),
        expires_at: Math.floor(result.expiresAt.getTime() / 1000),
        ...(result.fitted ? { fitted: result.fitted } : {}),
      };
    }
  }
  return AttachmentController;
}
