import type { PublishJobError } from './publish-queue.interfaces.js';

/** What a worker throws to BullMQ, which keeps it as the job's failedReason: `Name: message`. */
export const failedReasonOf = (error: PublishJobError): string => `${error.name}: ${error.message}`;

/** A failedReason read back as the error it names (any other text: a plain `Error`). */
export function errorOfFailedReason(failedReason: string): PublishJobError {
  const named = /^([A-Z]\w*Error): ([\s\S]*)$/.exec(failedReason);
  return named
    ? { name: named[1] as string, message: named[2] as string }
    : { name: 'Error', message: failedReason };
}
