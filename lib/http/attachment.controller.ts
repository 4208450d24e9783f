import {
  Controller,
  HttpCode,
  HttpStatus,
  Inject,
  Post,
  Req,
  UploadedFile,
  UseFilters,
  UseGuards,
  UseInterceptors,
  type OnModuleInit,
  type Type,
} from '@nestjs/common';
import type { Request } from 'express';
import { AttachmentService } from '../attachment.service.js';
import { LOGGER_CONTEXT, WECOM_RESOLVED_OPTIONS } from '../wecom-media.constants.js';
import { AttachmentFileInterceptor } from './attachment-file.interceptor.js';
import { ClientAbortSignal } from './client-abort-signal.decorator.js';
import { AttachmentQuery, AttachmentQueryInterceptor } from './attachment-query.interceptor.js';
import { RequestCorpInterceptor, requestCorpOf } from './request-corp.interceptor.js';
import { WecomErrorFilter } from './wecom-error.filter.js';
import type { UploadAttachmentResponse } from './upload-attachment-response.interface.js';
import type {
  ResolvedControllerOptions,
  ResolvedWecomMediaOptions,
} from '../options/resolve-options.js';
import { WecomLogger } from '../operations/telemetry/wecom-logger.js';

/**
 * A new controller class for one registration, so that two registrations with different paths
 * or guards never share (and rewrite) one class's metadata.
 */
export function createAttachmentController(options: ResolvedControllerOptions): Type {
  @Controller(options.path)
  @UseGuards(...options.guards)
  @UseFilters(WecomErrorFilter)
  class AttachmentController implements OnModuleInit {
    private readonly logger = new WecomLogger(LOGGER_CONTEXT);

    constructor(
      readonly attachments: AttachmentService,
      @Inject(WECOM_RESOLVED_OPTIONS) private readonly module: ResolvedWecomMediaOptions,
    ) {}

    onModuleInit(): void {
      if (options.guards.length === 0) {
        this.logger.warn(
          `POST /${options.path} is open to anyone who can reach this app and spends the company's WeCom quota: ` +
            'give the controller option guards',
        );
      }
      // A module that serves many corps, with a controller that names none: say where uploads go.
      const { credentials, corpId } = this.module;
      const many = credentials.kind === 'secretFor' || credentials.kind === 'suite';
      if (many && !options.corpId) {
        this.logger.warn(
          corpId === undefined
            ? `POST /${options.path} names no corp, and the module has no default corpId: every upload will be refused (corp-id); give the controller option corpId`
            : `POST /${options.path} uploads everything for the default corp ${corpId}, though the module serves many corps: give the controller option corpId to upload for the caller's corp`,
        );
      }
    }

    /** `POST /{path}?media_type=image&attachment_type=1` with the file in the multipart field `media`. */
    @Post()
    @HttpCode(HttpStatus.CREATED)
    @UseInterceptors(
      // The corp and the query are judged before a byte of the body is read.
      ...(options.corpId ? [RequestCorpInterceptor(options.corpId)] : []),
      AttachmentQueryInterceptor,
      AttachmentFileInterceptor('media', { receiveTimeoutMs: options.receiveTimeoutMs }),
    )
    async upload(
      @Req() req: Request,
      @AttachmentQuery() { mediaType, attachmentType }: AttachmentQuery,
      @UploadedFile() file: Express.Multer.File,
      @ClientAbortSignal() signal: AbortSignal,
    ): Promise<UploadAttachmentResponse> {
      const corpId = requestCorpOf(req);
      const result = await this.attachments.upload({
        file,
        mediaType,
        attachmentType,
        signal,
        ...(corpId === undefined ? {} : { corpId }),
      });
      return {
        type: result.type,
        media_id: result.mediaId,
        created_at: Math.floor(result.createdAt.getTime() / 1000),
        expires_at: Math.floor(result.expiresAt.getTime() / 1000),
        ...(result.fitted ? { fitted: result.fitted } : {}),
        ...(result.cleaned ? { cleaned: result.cleaned } : {}),
      };
    }
  }
  return AttachmentController;
}
