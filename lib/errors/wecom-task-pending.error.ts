import { WecomError } from './wecom.error.js';

/**
 * Why a publish stopped waiting for its moment task: `waitMs` passed, the caller's signal
 * aborted, the app shut down, or a poll of get_moment_task_result failed.
 *
 * @publicApi
 */
export type TaskPendingReason = 'timeout' | 'aborted' | 'shutdown' | 'poll-failed';

const WHY: Record<TaskPendingReason, (waitedMs: number) => string> = {
  timeout: (ms) => `did not finish within ${ms} ms`,
  aborted: () => 'was not waited for: the publish was aborted',
  shutdown: () => 'was not waited for: the app is shutting down',
  'poll-failed': () => 'could not be asked about',
};

/**
 * A moment task WeCom accepted has not been seen to finish: `waitMs` passed, or the publish was
 * aborted, shut down or could not poll after WeCom had taken it. The task goes on at WeCom: ask
 * `MomentService.result(jobId)` later, and do not publish again — that would be a second moment.
 *
 * @publicApi
 */
export class WecomTaskPendingError extends WecomError {
  /** The class's name, for logs and `instanceof`-free checks: `'WecomTaskPendingError'`. */
  override readonly name = 'WecomTaskPendingError';
  /** Why the publish stopped waiting. */
  readonly reason: TaskPendingReason;

  constructor(
    /** The task's jobid (valid for 24 hours): what `MomentService.result` takes. */
    readonly jobId: string,
    /** How long the task was waited for, in milliseconds. */
    readonly waitedMs: number,
    options: { reason?: TaskPendingReason; cause?: unknown } = {},
  ) {
    const reason = options.reason ?? 'timeout';
    super(
      `the moment task ${jobId} ${WHY[reason](waitedMs)}; it goes on at WeCom: ask MomentService.result('${jobId}') later, and do not publish again`,
      ...(options.cause === undefined ? [] : [{ cause: options.cause }]),
    );
    this.reason = reason;
  }
}
