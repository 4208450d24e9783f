import type { IncomingMessage } from 'node:http';
import type { CanActivate, Type } from '@nestjs/common';
import { bool, check, fn, ms, shape, toggle } from './option-checks.js';

/** The extras of `forRoot` and `forRootAsync`: known when the module is defined. */
export const WECOM_MEDIA_EXTRAS = shape({
  /** Register the module globally. */
  isGlobal: bool(false),
  /** Serve `POST /{path}` that uploads a multipart `media` file; `true` takes the defaults. */
  controller: toggle(
    shape({
      /** The route, without leading slash. */
      path: {
        ...check<string, string>(
          'a string',
          (v, at) => (typeof v === 'string' ? undefined : `${at} must be a string`),
          'wecom/attachments',
        ),
        resolve: (v: string | undefined) => (v ?? 'wecom/attachments').replace(/^\/+/, ''),
      },
      /** Guards run before every upload. Without any, the module warns at start-up. */
      guards: check<
        ReadonlyArray<Type<CanActivate> | CanActivate>,
        ReadonlyArray<Type<CanActivate> | CanActivate>
      >(
        'a list of guards',
        (v, at) => (Array.isArray(v) ? undefined : `${at} must be a list of guards`),
        [],
      ),
      /** How long a client may take to send its whole upload; a slower one gets 408. */
      receiveTimeoutMs: ms(120_000),
      /**
       * The corp each request uploads for, typically from what the app's guard put on the
       * request. A request it resolves to no corp is answered 400, never sent to the default corp.
       */
      corpId: fn<
        (
          req: IncomingMessage & Record<string, unknown>,
        ) => string | undefined | Promise<string | undefined>
      >('(req) => the corp id of the request'),
    }),
  ),
});
