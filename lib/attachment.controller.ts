import {
  Controller,
  HttpCode,
  HttpStatus,
  Logger,
  Post,
  Req,
  UploadedFile,
  UseFilters,
  UseGuards,
  UseInterceptors,
  type OnModuleInit,
  type Type,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { AttachmentService } from './attachment.service.js';
import { LOGGER_CONTEXT } from './common/wecom-media.constants.js';
import { WecomAbortedError } from './errors/wecom-transport.error.js';
import { AttachmentFileInterceptor } from './http/attachment-file.interceptor.js';
import { UploadQueryInterceptor, uploadQueryOf } from './http/upload-query.interceptor.js';
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
      UploadQueryInterceptor,
      AttachmentFileInterceptor('media', { receiveTimeoutMs: options.receiveTimeoutMs }),
    )
    async upload(
      @Req() req: Request,
      @UploadedFile() file: Express.Multer.File,
    ): Promise<UploadAttachmentResponse> {
      const { mediaType, attachmentType } = uploadQueryOf(req);
      const signal = abandonedSignal(req.res as Response);
      try {
        const result = await this.attachments.upload({
          file,
          mediaType,
          attachmentType,
          signal: signal.signal,
        });
        return {
          type: result.type,
          media_id: result.mediaId,
          created_at: Math.floor(result.createdAt.getTime() / 1000),
          expires_at: Math.floor(result.expiresAt.getTime() / 1000),
        };
      } finally {
        signal.dispose();
      }
    }
  }
  return AttachmentController;
}

/**
 * Aborts when the client goes away before its answer: it no longer needs the media_id, so the
 * WeCom call stops spending quota. The response's `close` before `writableEnded` is the signal:
 * the request's `close` has already fired once its body was read.
 */
function abandonedSignal(res: Response): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onClose = (): void => {
    if (!res.writableEnded) {
      controller.abort(new WecomAbortedError('the client closed the connection'));
    }
  };
  if (res.destroyed) onClose();
  else res.once('close', onClose);
  return { signal: controller.signal, dispose: () => res.off('close', onClose) };
}
