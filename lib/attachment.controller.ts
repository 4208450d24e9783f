import {
  Controller,
  HttpCode,
  HttpStatus,
  Logger,
  Post,
  Req,
  SetMetadata,
  UseFilters,
  UseGuards,
  UseInterceptors,
  type OnModuleInit,
  type Type,
} from '@nestjs/common';
import type { Request } from 'express';
import { AttachmentService } from '../attachment.service.js';
import type { WecomMediaControllerOptions } from '../interfaces/wecom-media-module-options.interface.js';
import { DEFAULT_CONTROLLER_PATH, LOGGER_CONTEXT } from '../wecom-media.constants.js';
import {
  AttachmentUploadInterceptor,
  DEFAULT_RECEIVE_TIMEOUT_MS,
  RECEIVE_TIMEOUT_METADATA,
  validatedUpload,
} from './attachment-upload.interceptor.js';
import { WecomErrorFilter } from './wecom-error.filter.js';

/** What a successful upload answers: WeCom's own field names, times in unix seconds. */
export interface UploadAttachmentResponse {
  type: string;
  media_id: string;
  created_at: number;
  expires_at: number;
}

/** `controller: true` or an options object → the options, or undefined when it is off. */
export function resolveControllerOptions(
  option: boolean | WecomMediaControllerOptions | undefined,
): Required<WecomMediaControllerOptions> | undefined {
  if (!option) return undefined;
  const given = option === true ? {} : option;
  return {
    path: (given.path ?? DEFAULT_CONTROLLER_PATH).replace(/^\/+/, ''),
    guards: given.guards ?? [],
    receiveTimeoutMs: given.receiveTimeoutMs ?? DEFAULT_RECEIVE_TIMEOUT_MS,
  };
}

/**
 * A new controller class for one registration, so that two registrations with different paths
 * or guards never share (and rewrite) one class's metadata.
 */
export function createAttachmentController(options: Required<WecomMediaControllerOptions>): Type {
  @Controller(options.path)
  @UseGuards(...options.guards)
  @SetMetadata(RECEIVE_TIMEOUT_METADATA, options.receiveTimeoutMs)
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
    @UseInterceptors(AttachmentUploadInterceptor)
    async upload(@Req() req: Request): Promise<UploadAttachmentResponse> {
      const { query, file } = validatedUpload(req);
      // A client that goes away no longer needs the media_id: stop spending quota on it.
      const abandoned = new AbortController();
      const onClose = (): void => {
        if (!req.res?.writableEnded) abandoned.abort(new Error('the client closed the connection'));
      };
      req.once('close', onClose);
      try {
        const result = await this.attachments.upload({
          file,
          mediaType: query.media_type,
          attachmentType: query.attachment_type,
          signal: abandoned.signal,
        });
        return {
          type: result.type,
          media_id: result.mediaId,
          created_at: Math.floor(result.createdAt.getTime() / 1000),
          expires_at: Math.floor(result.expiresAt.getTime() / 1000),
        };
      } finally {
        req.off('close', onClose);
      }
    }
  }
  return AttachmentController;
}
