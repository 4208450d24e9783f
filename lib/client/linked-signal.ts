/** A signal that aborts when any of its sources does, or when its time runs out. */
export interface LinkedSignal {
  signal: AbortSignal;
  /** True when the time ran out (rather than a source aborting). */
  readonly timedOut: boolean;
  /** Aborts the signal with `reason` (a source of its own: shutdown, say). */
  abort(reason: unknown): void;
  /** Detaches from the sources and stops the timer; call it when the operation is over. */
  dispose(): void;
}

/**
 * Links `sources` (and an optional timeout) into one signal, and lets go of everything on
 * `dispose()`: the timer is cleared and the listeners on the sources are removed as soon as the
 * operation is over, where `AbortSignal.timeout` would keep each request's timer and signal alive
 * for the whole timeout (30 s by default) under load.
 */
export function linkSignals(
  sources: ReadonlyArray<AbortSignal | undefined>,
  timeoutMs?: number,
): LinkedSignal {
  const controller = new AbortController();
  let timedOut = false;
  const attached: Array<[AbortSignal, () => void]> = [];
  for (const source of sources) {
    if (!source) continue;
    if (source.aborted) {
      controller.abort(source.reason);
      break;
    }
    const onAbort = (): void => controller.abort(source.reason);
    source.addEventListener('abort', onAbort, { once: true });
    attached.push([source, onAbort]);
  }
  const timer =
    timeoutMs === undefined || controller.signal.aborted
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          controller.abort(new DOMException(`timed out after ${timeoutMs} ms`, 'TimeoutError'));
        }, timeoutMs);
  return {
    signal: controller.signal,
    get timedOut() {
      return timedOut;
    },
    abort(reason: unknown) {
      controller.abort(reason);
    },
    dispose() {
      clearTimeout(timer);
      for (const [source, onAbort] of attached) source.removeEventListener('abort', onAbort);
      attached.length = 0;
    },
  };
}
