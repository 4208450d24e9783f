import {
  Inject,
  mixin,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
  type Type,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { rm } from 'node:fs/promises';
import { catchError, concatMap, finalize, type Observable } from 'rxjs';
import { WECOM_MESSAGES } from '../wecom-media.constants.js';
import { WECOM_MEDIA_EXTRAS } from '../options/option-table.js';
import type { Messages } from '../messages/index.js';
import { badUpload } from './upload-error.responses.js';
import { UploadReceiver } from './upload-receiver.js';

/**
 * Settings of an {@link AttachmentFileInterceptor}.
 *
 * @publicApi
 */
export interface AttachmentFileInterceptorOptions {
  /** How long a client may take to send its whole upload; a slower one gets 408. @default 120000 */
  receiveTimeoutMs?: number;
  /**
   * Receive images as large as fitting takes (`fit.maxInputBytes`, 50 MiB by default), for a
   * handler that uploads with `fit`, whatever the module's `fit`. Only what the query says is an
   * image (`media_type=image`: the URL is read before the body, a part's Content-Type is never
   * trusted) goes past the rules' size; a video, a file or a query without `media_type` is cut off
   * at the rules' size with 413. Without it, an image is received that large only when the
   * module's `fit` is on and the query says `media_type=image`.
   * @default false
   */
  fit?: boolean;
}

/**
 * Like Nest's `FileInterceptor(fieldName)`, for attachments: spools the one file of `fieldName`
 * to the module's private temp directory (never memory), reads its filename as UTF-8 (Nest's
 * reads it as latin1: 春季新品.jpg would reach WeCom garbled), refuses a body over the largest
 * rule's size — for an image to fit (`media_type=image` in the query), `fit.maxInputBytes` (see
 * `options.fit`) — (413), a missing or second file (400) and a client slower than the receive timeout
 * (408), and removes the file once the handler is done, whatever its outcome. The file is
 * `@UploadedFile()`, ready for `AttachmentService.upload({ file })`.
 *
 * @publicApi
 */
export function AttachmentFileInterceptor(
  fieldName = 'media',
  options: AttachmentFileInterceptorOptions = {},
): Type<NestInterceptor> {
  // The controller's own setting, checked and defaulted the same way.
  const setting = WECOM_MEDIA_EXTRAS.fields.controller.fields.receiveTimeoutMs;
  const [problem] = setting.problems(options.receiveTimeoutMs, 'receiveTimeoutMs');
  if (problem) throw new Error(`AttachmentFileInterceptor: ${problem}`);
  const receiveTimeoutMs = setting.resolve(options.receiveTimeoutMs);

  class MixinInterceptor implements NestInterceptor {
    constructor(
      @Inject(UploadReceiver) private readonly receiver: UploadReceiver,
      @Inject(WECOM_MESSAGES) private readonly messages: Messages,
    ) {}

    async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
      const http = context.switchToHttp();
      const req = http.getRequest<Request>();
      await this.receiver.receive(req, http.getResponse<Response>(), fieldName, {
        receiveTimeoutMs,
        forFit: options.fit === true,
      });
      const { file } = req;
      if (!file) {
        throw badUpload(this.messages.noFile(fieldName), [
          { rule: 'file-missing', message: this.messages.sendFileIn(fieldName) },
        ]);
      }
      // Remove the file before the answer goes out, so that no one sees it linger; finalize
      // covers an unsubscription (the client went away) too.
      const remove = (): Promise<void> => rm(file.path, { force: true });
      return next.handle().pipe(
        concatMap(async (value: unknown) => {
          await remove();
          return value;
        }),
        catchError(async (error: unknown) => {
          await remove();
          throw error;
        }),
        finalize(() => void remove()),
      );
    }
  }
  return mixin(MixinInterceptor);
}
