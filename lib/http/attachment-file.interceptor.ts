import {
  Inject,
  Injectable,
  RequestTimeoutException,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import type { Request, Response } from 'express';
import multer, { MulterError } from 'multer';
import { rm } from 'node:fs/promises';
import { catchError, concatMap, finalize, type Observable } from 'rxjs';
import { UploadAttachmentQueryDto } from '../dto/upload-attachment-query.dto.js';
import type { Violation } from '../interfaces/violation.interface.js';
import { formatBytes, largestLimit, type AttachmentRules } from '../media/media-rules.js';
import type { TempDirectory } from '../source/temp-directory.js';
import { WECOM_ATTACHMENT_RULES, WECOM_TEMP_DIRECTORY } from '../wecom-media.constants.js';
import { SpoolStorage } from './spool-storage.js';
import { badUpload, tooLarge } from './upload-error.responses.js';

/** What the interceptor hands the controller: a valid query and one spooled file. */
export interface ValidatedUpload {
  query: UploadAttachmentQueryDto;
  file: Express.Multer.File;
}

const VALIDATED = Symbol('wecom-media:validated-upload');
type RequestWithUpload = Request & { [VALIDATED]?: ValidatedUpload };

/** The upload the interceptor validated for this request. */
export function validatedUpload(req: Request): ValidatedUpload {
  const upload = (req as RequestWithUpload)[VALIDATED];
  if (!upload) throw new Error('AttachmentUploadInterceptor did not run for this route');
  return upload;
}

/** Metadata key of a controller's receive timeout, in milliseconds. */
export const RECEIVE_TIMEOUT_METADATA = 'wecom-media:receive-timeout';
export const DEFAULT_RECEIVE_TIMEOUT_MS = 120_000;

/** Small bounds on everything in the body but the file. */
const BODY_LIMITS = {
  files: 1,
  fields: 8,
  fieldSize: 1024,
  fieldNameSize: 100,
  parts: 10,
  headerPairs: 32,
};

/**
 * Checks the query before reading the body, then spools the one `media` file to the private temp
 * directory (never memory), with the largest configured limit as the cut-off, and removes the
 * file once the request is over, whatever its outcome.
 */
@Injectable()
export class AttachmentUploadInterceptor implements NestInterceptor {
  private readonly receive: (req: Request, res: Response, next: (error?: unknown) => void) => void;
  private readonly maxBytes: number;
  private readonly storage: SpoolStorage;

  constructor(
    @Inject(WECOM_ATTACHMENT_RULES) rules: AttachmentRules,
    @Inject(WECOM_TEMP_DIRECTORY) temp: TempDirectory,
    private readonly reflector: Reflector,
  ) {
    this.maxBytes = largestLimit(rules);
    this.storage = new SpoolStorage(temp);
    this.receive = multer({
      storage: this.storage,
      limits: { ...BODY_LIMITS, fileSize: this.maxBytes },
      // Browsers send the filename as raw UTF-8; multer's default would read it as latin1.
      defParamCharset: 'utf8',
    }).single('media');
  }

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const http = context.switchToHttp();
    const req = http.getRequest<RequestWithUpload>();
    const res = http.getResponse<Response>();
    const query = await this.validateQuery(req.query);
    const timeoutMs =
      this.reflector.get<number | undefined>(RECEIVE_TIMEOUT_METADATA, context.getClass()) ??
      DEFAULT_RECEIVE_TIMEOUT_MS;
    await this.receiveFile(req, res, timeoutMs);
    const { file } = req;
    if (!file) {
      throw badUpload('no file in the multipart field "media"', [
        {
          rule: 'request',
          message: 'send the file as multipart/form-data in a field named "media"',
        },
      ]);
    }
    req[VALIDATED] = { query, file };
    // Remove the file before the answer goes out, so that no one sees it linger; finalize covers
    // an unsubscription (the client went away) too.
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

  private async validateQuery(raw: unknown): Promise<UploadAttachmentQueryDto> {
    const query = plainToInstance(UploadAttachmentQueryDto, raw ?? {});
    const errors = await validate(query);
    if (errors.length === 0) return query;
    const violations = errors.flatMap(toViolations);
    throw badUpload(violations.map((v) => v.message).join('; '), violations);
  }

  private receiveFile(req: Request, res: Response, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      // A client that trickles its body would hold a socket and a temp file for ever: answer 408,
      // then drop the connection, which makes multer remove what it spooled.
      const timer = setTimeout(() => {
        const message = `the upload did not arrive within ${timeoutMs} ms`;
        // Remove what was spooled before answering, then drop the connection.
        void this.storage.abort(req).finally(() => {
          res.setHeader('Connection', 'close');
          res.once('finish', () => req.destroy());
          reject(
            new RequestTimeoutException({
              statusCode: 408,
              message,
              violations: [{ rule: 'request', message, limit: timeoutMs }],
            }),
          );
        });
      }, timeoutMs);
      this.receive(req, res, (error?: unknown) => {
        clearTimeout(timer);
        if (!error) return resolve();
        // multer answers a broken body at once; a file it was still writing is removed just after.
        reject(this.toHttpError(error));
      });
    });
  }

  private toHttpError(error: unknown): Error {
    if (!(error instanceof MulterError)) {
      const message = error instanceof Error ? error.message : String(error);
      return badUpload(`the multipart body could not be read: ${message}`, [
        { rule: 'request', message },
      ]);
    }
    if (error.code === 'LIMIT_FILE_SIZE') {
      const message = `files may be at most ${formatBytes(this.maxBytes)}; this one is larger`;
      return tooLarge(message, {
        rule: 'max-size',
        message,
        limit: this.maxBytes,
        actual: `>${this.maxBytes}`,
      });
    }
    if (error.code === 'LIMIT_FIELD_VALUE') {
      const message = `text fields may be at most ${BODY_LIMITS.fieldSize} bytes`;
      return tooLarge(message, { rule: 'request', message, limit: BODY_LIMITS.fieldSize });
    }
    const message = MULTER_MESSAGES[error.code] ?? error.message;
    return badUpload(message, [{ rule: 'request', message }]);
  }
}

const MULTER_MESSAGES: Partial<Record<MulterError['code'], string>> = {
  LIMIT_FILE_COUNT: 'send exactly one file',
  LIMIT_UNEXPECTED_FILE: 'send exactly one file, in the field "media"',
  LIMIT_PART_COUNT: `send at most ${BODY_LIMITS.parts} multipart parts`,
  LIMIT_FIELD_COUNT: `send at most ${BODY_LIMITS.fields} text fields`,
  LIMIT_FIELD_KEY: 'a field name is too long',
};

function toViolations(error: ValidationError): Violation[] {
  const messages = Object.values(error.constraints ?? {});
  const combination = error.constraints?.attachmentCombination !== undefined;
  return messages.map((message) => ({
    rule:
      combination && message === error.constraints?.attachmentCombination
        ? 'attachment-media-type'
        : 'request',
    message,
    actual: error.value === undefined ? undefined : String(error.value),
  }));
}
