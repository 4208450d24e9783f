import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Response } from 'express';
import { WecomAbortedError } from '../errors/wecom-transport.error.js';

/**
 * An `AbortSignal` that aborts, with a `WecomAbortedError`, when the client goes away before its
 * answer. Pass it to `AttachmentService.upload({ …, signal })`: a client that leaves no longer
 * needs the media_id, and the WeCom call stops spending quota. The response's `close` before
 * `writableEnded` is the signal; the request's `close` has already fired once its body was read.
 *
 * @example
 * `async upload(@UploadedFile() file: Express.Multer.File, @ClientAbortSignal() signal: AbortSignal)`
 *
 * @publicApi
 */
export const ClientAbortSignal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AbortSignal =>
    abortedWhenClientLeaves(context.switchToHttp().getResponse<Response>()),
);

/** The signal behind {@link ClientAbortSignal}. */
function abortedWhenClientLeaves(res: Response): AbortSignal {
  const controller = new AbortController();
  const onClose = (): void => {
    if (!res.writableEnded) controller.abort(new WecomAbortedError('client-gone'));
  };
  // The client may have gone while the body was read: the close has fired already then.
  if (res.destroyed) onClose();
  else res.once('close', onClose);
  return controller.signal;
}
