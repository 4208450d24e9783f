import {
  HttpException,
  Inject,
  InternalServerErrorException,
  ServiceUnavailableException,
  mixin,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
  type Type,
} from '@nestjs/common';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import {
  LOGGER_CONTEXT,
  WECOM_MESSAGES,
  WECOM_RESOLVED_OPTIONS,
} from '../wecom-media.constants.js';
import type { ResolvedWecomMediaOptions } from '../options/resolve-options.js';
import { isCorpId } from '../rules/attachment-rules.js';
import type { WecomMediaControllerOptions } from '../options/wecom-media-options.js';
import type { Messages } from '../messages/index.js';
import { badUpload } from './upload-error.responses.js';
import { WecomLogger } from '../operations/telemetry/wecom-logger.js';

type CorpResolver = NonNullable<WecomMediaControllerOptions['corpId']>;

const CORPS = new WeakMap<Request, string>();

/**
 * The built-in controller's `corpId` option: resolves the corp of each request (after the guards,
 * which typically put the tenant on it) before the body is read, and answers 400 when it resolves
 * to none — never an upload to the default corp by mistake.
 */
export function RequestCorpInterceptor(resolve: CorpResolver): Type<NestInterceptor> {
  class MixinInterceptor implements NestInterceptor {
    private readonly logger = new WecomLogger(LOGGER_CONTEXT);

    constructor(
      @Inject(WECOM_MESSAGES) private readonly messages: Messages,
      @Inject(WECOM_RESOLVED_OPTIONS) private readonly options: ResolvedWecomMediaOptions,
    ) {}

    async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
      const req = context.switchToHttp().getRequest<Request>();
      let corpId: unknown;
      // Bounded like the credential callbacks: one that never settles must not hold the request
      // (and its socket) for ever.
      const { timeoutMs } = this.options;
      const timedOut = Symbol('timed out');
      let timer: NodeJS.Timeout | undefined;
      try {
        corpId = await Promise.race([
          Promise.resolve().then(() => resolve(req as unknown as Parameters<CorpResolver>[0])),
          new Promise<typeof timedOut>((done) => {
            timer = setTimeout(() => done(timedOut), timeoutMs);
          }),
        ]);
        if (corpId === timedOut) {
          this.logger.error(`the controller option corpId did not answer within ${timeoutMs} ms`);
          throw new ServiceUnavailableException(this.messages.corpResolverFailed());
        }
      } catch (error) {
        // The app's own answer (403, 401…) stands; anything else is the resolver's bug, which
        // is logged, not shown: its message may carry anything.
        if (error instanceof HttpException) throw error;
        this.logger.error(
          `the controller option corpId threw: ${error instanceof Error ? error.message : String(error)}`,
        );
        throw new InternalServerErrorException(this.messages.corpResolverFailed());
      } finally {
        clearTimeout(timer);
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
