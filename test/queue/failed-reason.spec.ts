import { describe, expect, it } from 'vitest';
import { errorOfFailedReason, failedReasonOf } from '../../lib/publishing/queue/failed-reason.js';

describe("a job's failedReason", () => {
  it('reads back the error a worker wrote, its name and its whole message', () => {
    const error = { name: 'WecomAbortedError', message: 'the app closed: shutdown\nafter 100 ms' };
    expect(errorOfFailedReason(failedReasonOf(error))).toEqual(error);
  });

  it("reads any other text (BullMQ's own, a stalled job) as a plain Error", () => {
    expect(errorOfFailedReason('job stalled more than allowable limit')).toEqual({
      name: 'Error',
      message: 'job stalled more than allowable limit',
    });
  });
});
