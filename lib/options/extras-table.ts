import type { IncomingMessage } from 'node:http';
import type { CanActivate, Type } from '@nestjs/common';
import { bool, check, fn, ms, positive, shape, toggle, whole } from './option-checks.js';

/** How long a queue remembers an idempotency key's album or moment, by default: 30 days. */
const THIRTY_DAYS_MS = 30 * 24 * 60 * 60 * 1000;

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
  /**
   * Publish through a BullMQ queue (`PublishQueue`): albums and moments enqueued under an
   * idempotency key, run by workers on every replica. Needs the optional peers `bullmq` and
   * `@nestjs/bullmq`, and `BullModule.forRoot({ connection })` in the app's imports.
   */
  queue: toggle(
    shape({
      /** The BullMQ queue's name. */
      name: check<string, string>(
        'a queue name (letters, digits, ".", "_" or "-")',
        (v, at) =>
          typeof v === 'string' && /^[\w.-]{1,100}$/.test(v)
            ? undefined
            : `${at} must be 1 to 100 letters, digits, ".", "_" or "-"; got ${JSON.stringify(v)}`,
        'wecom-media',
      ),
      /** Run jobs in this process; `false` only enqueues (an API replica, say). */
      worker: bool(true),
      /** Jobs this process runs at once. */
      concurrency: whole(1, 4, 1_000),
      /** How often a worker looks for jobs whose worker died (BullMQ's stalledInterval). */
      stalledIntervalMs: ms(30_000),
      /** How long a running job's lock lasts unless its worker renews it (BullMQ's lockDuration). */
      lockDurationMs: ms(30_000),
      /** How many times a job may be taken back from a dead worker before it fails. */
      maxStalledCount: whole(0, 1, 100),
      /** The first wait before a job's retry; it doubles each retry (a rate limit's own wait wins). */
      retryDelayMs: ms(1_000),
      /** How long a key's job and its album or moment are remembered in the module's store. */
      keyTtlMs: positive(THIRTY_DAYS_MS),
    }),
  ),
});
