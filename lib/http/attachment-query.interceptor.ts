import {
  Inject,
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { WECOM_ATTACHMENT_RULES, WECOM_MESSAGES } from '../common/wecom-media.constants.js';
import type { Messages } from '../rules/messages/index.js';
import type { AttachmentRules } from '../interfaces/attachment-rules.interface.js';
import { checkUploadQuery, type UploadQuery } from '../rules/check-upload-query.js';
import { badUpload } from './upload-error.responses.js';

const QUERIES = new WeakMap<Request, UploadQuery>();

/** The query {@link UploadQueryInterceptor} judged for this request. */
export function uploadQueryOf(req: Request): UploadQuery {
  const query = QUERIES.get(req);
  if (!query) throw new Error('UploadQueryInterceptor did not run for this route');
  return query;
}

/**
 * Judges `?media_type=…&attachment_type=…` by the module's rules before a byte of the body is
 * read: a bad query costs no upload.
 */
@Injectable()
export class UploadQueryInterceptor implements NestInterceptor {
  constructor(
    @Inject(WECOM_ATTACHMENT_RULES) private readonly rules: AttachmentRules,
    @Inject(WECOM_MESSAGES) private readonly messages: Messages,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<Request>();
    const query = checkUploadQuery(req.query, this.rules, this.messages);
    if (Array.isArray(query)) throw badUpload(query.map((v) => v.message).join('; '), query);
    QUERIES.set(req, query);
    return next.handle();
  }
}
