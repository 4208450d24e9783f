import {
  createParamDecorator,
  Inject,
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { WECOM_ATTACHMENT_RULES, WECOM_MESSAGES } from '../wecom-media.constants.js';
import type { AttachmentType } from '../attachment-type.enum.js';
import type { MediaType } from '../media-type.enum.js';
import type { AttachmentRules } from '../rules/attachment-rules.interface.js';
import { checkUploadQuery } from '../rules/check-upload-query.js';
import type { Messages } from '../messages/index.js';
import { badUpload } from './upload-error.responses.js';

/**
 * The query of an upload request as {@link AttachmentQueryInterceptor} judged it, ready to spread
 * into `AttachmentService.upload({ file, ...query })`.
 *
 * @publicApi
 */
export interface AttachmentQuery {
  /** From `media_type`. */
  mediaType: MediaType;
  /** From `attachment_type`, a number. */
  attachmentType: AttachmentType;
}

const QUERIES = new WeakMap<Request, AttachmentQuery>();

/**
 * Judges `?media_type=…&attachment_type=…` (as WeCom names them) by the module's rules before a
 * byte of the body is read — list it before `AttachmentFileInterceptor`, and a bad query costs no
 * upload — and answers a bad one with a 400 and `violations`, in the module's `locale`. The
 * judged query is `@AttachmentQuery()`.
 *
 * @example
 * `@UseInterceptors(AttachmentQueryInterceptor, AttachmentFileInterceptor('media'))`
 *
 * @publicApi
 */
@Injectable()
export class AttachmentQueryInterceptor implements NestInterceptor {
  /** @internal Nest injects the module's rules and messages. */
  constructor(
    @Inject(WECOM_ATTACHMENT_RULES) private readonly rules: AttachmentRules,
    @Inject(WECOM_MESSAGES) private readonly messages: Messages,
  ) {}

  /** Judges the request's query, then lets the handler run. */
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<Request>();
    const query = checkUploadQuery(req.query, this.rules, this.messages);
    if (Array.isArray(query)) {
      throw badUpload(this.messages.list(query.map((v) => v.message)), query);
    }
    QUERIES.set(req, query);
    return next.handle();
  }
}

/** The query {@link AttachmentQueryInterceptor} judged for `req`. */
function attachmentQueryOf(req: Request): AttachmentQuery {
  const query = QUERIES.get(req);
  if (!query) {
    throw new Error(
      '@AttachmentQuery() needs AttachmentQueryInterceptor on the route: @UseInterceptors(AttachmentQueryInterceptor, …)',
    );
  }
  return query;
}

/**
 * The upload's `{ mediaType, attachmentType }`, judged by {@link AttachmentQueryInterceptor}
 * (which must be on the route).
 *
 * @example
 * `async upload(@AttachmentQuery() query: AttachmentQuery, @UploadedFile() file: Express.Multer.File)`
 *
 * @publicApi
 */
export const AttachmentQuery = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AttachmentQuery =>
    attachmentQueryOf(context.switchToHttp().getRequest<Request>()),
);
