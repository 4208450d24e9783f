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
import type { MediaType } from '../media-type.enum.js';
import { isMediaType } from '../rules/attachment-rules.js';
import { badUpload } from './upload-error.responses.js';
import { UploadReceiver, type ReceiveSettings } from './upload-receiver.js';

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
   * image (`media_type=image`, or the route's `mediaType`: the URL is read before the body, a
   * part's Content-Type is never trusted) goes past the rules' size; a video, a file or a query
   * without `media_type` is cut off at the rules' size with 413. Without it, an image is received
   * that large only when the module's `fit` is on and the query (or `mediaType`) says image.
   * @default false
   */
  fit?: boolean;
  /**
   * The media type of a route whose query names none, such as a photos endpoint
   * (`MediaType.Image`): its files get that type's size limit, and with `fit`, as much as fitting
   * takes. A `media_type` in the query still wins.
   */
  mediaType?: MediaType;
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
  return receivingInterceptor(
    'AttachmentFileInterceptor',
    fieldName,
    { min: 1, max: 1, list: false },
    options,
  );
}

/**
 * The interceptor behind {@link AttachmentFileInterceptor} and `AttachmentFilesInterceptor`:
 * receives `count.min` to `count.max` files of `fieldName` (as `req.files` when `count.list`,
 * else as `req.file`) and removes them once the handler is done, whatever its outcome.
 * @internal
 */
export function receivingInterceptor(
  name: string,
  fieldName: string,
  count: ReceiveSettings['count'],
  options: AttachmentFileInterceptorOptions,
): Type<NestInterceptor> {
  // The controller's own setting, checked and defaulted the same way.
  const setting = WECOM_MEDIA_EXTRAS.fields.controller.fields.receiveTimeoutMs;
  const [problem] = setting.problems(options.receiveTimeoutMs, 'receiveTimeoutMs');
  if (problem) throw new Error(`${name}: ${problem}`);
  if (options.mediaType !== undefined && !isMediaType(options.mediaType)) {
    throw new Error(
      `${name}: mediaType must be image, video or file; got ${JSON.stringify(options.mediaType)}`,
    );
  }
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
        ...(options.mediaType ? { mediaType: options.mediaType } : {}),
        count,
      });
      const files = count.list ? ((req.files ?? []) as File[]) : req.file ? [req.file] : [];
      // Remove the files before the answer goes out, so that no one sees them linger; finalize
      // covers an unsubscription (the client went away) too.
      const remove = async (): Promise<void> => {
        await Promise.all(files.map((file) => rm(file.path, { force: true })));
      };
      if (files.length < count.min) {
        await remove();
        throw badUpload(this.messages.noFile(fieldName), [
          { rule: 'file-missing', message: this.messages.sendFileIn(fieldName) },
        ]);
      }
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

type File = Express.Multer.File;
