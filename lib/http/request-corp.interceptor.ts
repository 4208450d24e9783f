import {
  HttpException,
  Inject,
  InternalServerErrorException,
  Logger,
  mixin,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
  type Type,
} from '@nestjs/common';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { LOGGER_CONTEXT, WECOM_MESSAGES } from '../wecom-media.constants.js';
import { isCorpId } from '../rules/corp-id.js';
import type { WecomMediaControllerOptions } from '../options/wecom-media-options.js';
import type { Messages } from '../messages/index.js';
import { badUpload } from './upload-error.responses.js';

type CorpResolver = NonNullable<WecomMediaControllerOptions['corpId']>;

const CORPS = new WeakMap<Request, string>();

/**
 * The built-in controller's `corpId` option: resolves the corp of each request (after the guards,
 * which typically put the tenant on it) before the body is read, and answers 400 when it resolves
 * to none — never an upload to the default corp by mistake.
 */
export function RequestCorpInterceptor(resolve: CorpResolver): Type<NestInterceptor> {
  class MixinInterceptor implements NestInterceptor {
    private readonly logger = new Logger(LOGGER_CONTEXT);

    constructor(@Inject(WECOM_MESSAGES) private readonly messages: Messages) {}

    async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
      const req = context.switchToHttp().getRequest<Request>();
      let corpId: unknown;
      try {
        corpId = await resolve(req as unknown as Parameters<CorpResolver>[0]);
      } catch (error) {
        // The app's own answer (403, 401…) stands; anything else is the resolver's bug, which
        // is logged, not shown: its message may carry anything.
        if (error instanceof HttpException) throw error;
        this.logger.error(
          `the controller option corpId threw: ${error instanceof Error ? error.message : String(error)}`,
        );
        throw new InternalServerErrorException(this.messages.corpResolverFailed());
      }
      if (corpId === undefined || corpId === null || corpId === '') {
        const message = this.messages.corpUnresolved();
        throw badUpload(message, [{ rule: 'corp-id', message }]);
      }
      // Before the body is read: a malformed corp is refused at no cost.
      if (!isCorpId(corpId)) {
        const message = this.messages.corpInvalid();
        const actual = typeof corpId === 'string' ? corpId.slice(0, 80) : typeof corpId;
        throw badUpload(message, [{ rule: 'corp-id', message, actual }]);
      }
      CORPS.set(req, corpId);
      return next.handle();
    }
  }
  return mixin(MixinInterceptor);
}

/** The corp {@link RequestCorpInterceptor} resolved for `req`, if it ran. */
export const requestCorpOf = (req: Request): string | undefined => CORPS.get(req);
