import { WecomError } from './wecom.error.js';

/**
 * A moment task WeCom accepted did not finish within `waitMs`. The task goes on at WeCom: ask
 * `MomentService.result(jobId)` later, and do not publish again — that would be a second moment.
 *
 * @publicApi
 */
export class WecomTaskPendingError extends WecomError {
  /** The class's name, for logs and `instanceof`-free checks: `'WecomTaskPendingError'`. */
  override readonly name = 'WecomTaskPendingError';

  constructor(
    /** The task's jobid (valid for 24 hours): what `MomentService.result` takes. */
    readonly jobId: string,
    /** How long the task was waited for, in milliseconds. */
    readonly waitedMs: number,
  ) {
    super(
      `the moment task ${jobId} did not finish within ${waitedMs} ms; it goes on at WeCom: ask MomentService.result('${jobId}') later, and do not publish again`,
    );
  }
}
