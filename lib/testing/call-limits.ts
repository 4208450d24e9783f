import type {
  EmulatorApi,
  EmulatorLimits,
  EmulatorLoad,
} from './wecom-emulator-options.interface.js';

/** Which limit refused a call: 45009 for the windows, 45033 for `concurrent`. */
export type LimitRefusal = 'perMinute' | 'perHour' | 'concurrent';

/** The errcode WeCom answers for each limit (https://developer.work.weixin.qq.com/document/path/90313). */
export const LIMIT_ERRCODE: Readonly<Record<LimitRefusal, number>> = {
  perMinute: 45009,
  perHour: 45009,
  concurrent: 45033,
};

const SPAN_MS = { perMinute: 60_000, perHour: 3_600_000 } as const;

/** A fixed window, opened by a call: the calls it let through and every call that arrived in it. */
interface Window {
  start: number;
  accepted: number;
  seen: number;
}

/** One pair of a corp and an API. */
interface Pair {
  api: EmulatorApi;
  corpId: string;
  windows: Partial<Record<'perMinute' | 'perHour', Window>>;
  /** Calls in flight that the limits let through (what `concurrent` bounds). */
  admitted: number;
  /** Every call in flight, refused ones included (what `peakLoad` reports). */
  inFlight: number;
  peak: EmulatorLoad;
  refused: number;
}

/** A call's admission: the limit it is over, if any, and `done` once it is answered or dropped. */
export interface Admission {
  refusal?: LimitRefusal;
  done(): void;
}

/**
 * The emulator's frequency limits, per pair of a corp and an API, in fixed windows that start at
 * a call (see `EmulatorLimits`), and what each pair's busiest window saw.
 */
export class CallLimits {
  private pairs = new Map<string, Pair>();

  constructor(private readonly limits: EmulatorLimits = {}) {}

  /** Counts a call of `api` for `corpId` that just arrived, and admits or refuses it. */
  arrive(api: EmulatorApi, corpId: string): Admission {
    const pair = this.pairOf(api, corpId);
    const now = (this.limits.clock ?? Date.now)();
    const refusal = this.refusalOf(pair, now);
    for (const span of ['perMinute', 'perHour'] as const) {
      const window = pair.windows[span];
      const open =
        window && now < window.start + SPAN_MS[span]
          ? window
          : (pair.windows[span] = { start: now, accepted: 0, seen: 0 });
      open.seen += 1;
      if (refusal === undefined) open.accepted += 1;
      pair.peak[span] = Math.max(pair.peak[span], open.seen);
    }
    pair.inFlight += 1;
    pair.peak.concurrent = Math.max(pair.peak.concurrent, pair.inFlight);
    if (refusal === undefined) pair.admitted += 1;
    else pair.refused += 1;
    let settled = false;
    return {
      refusal,
      done: () => {
        if (settled) return;
        settled = true;
        pair.inFlight -= 1;
        if (refusal === undefined) pair.admitted -= 1;
      },
    };
  }

  /** Calls the limits refused (of `api`, and of `corpId`, when given). */
  refusals(api?: EmulatorApi, corpId?: string): number {
    return this.matching(api, corpId).reduce((sum, p) => sum + p.refused, 0);
  }

  /** The busiest load seen (of `api`, and of `corpId`, when given): each figure's maximum over the pairs. */
  peakLoad(api?: EmulatorApi, corpId?: string): EmulatorLoad {
    const load: EmulatorLoad = { perMinute: 0, perHour: 0, concurrent: 0 };
    for (const { peak } of this.matching(api, corpId)) {
      load.perMinute = Math.max(load.perMinute, peak.perMinute);
      load.perHour = Math.max(load.perHour, peak.perHour);
      load.concurrent = Math.max(load.concurrent, peak.concurrent);
    }
    return load;
  }

  /** Forgets windows, peaks and refusals; calls in flight settle on their old pairs harmlessly. */
  clear(): void {
    this.pairs = new Map();
  }

  private refusalOf(pair: Pair, now: number): LimitRefusal | undefined {
    for (const span of ['perMinute', 'perHour'] as const) {
      const limit = this.limits[span];
      const window = pair.windows[span];
      if (limit === undefined || !window || now >= window.start + SPAN_MS[span]) continue;
      if (window.accepted >= limit) return span;
    }
    const { concurrent } = this.limits;
    return concurrent !== undefined && pair.admitted >= concurrent ? 'concurrent' : undefined;
  }

  private pairOf(api: EmulatorApi, corpId: string): Pair {
    const key = `${api} ${corpId}`;
    let pair = this.pairs.get(key);
    if (!pair) {
      pair = {
        api,
        corpId,
        windows: {},
        admitted: 0,
        inFlight: 0,
        peak: { perMinute: 0, perHour: 0, concurrent: 0 },
        refused: 0,
      };
      this.pairs.set(key, pair);
    }
    return pair;
  }

  private matching(api?: EmulatorApi, corpId?: string): Pair[] {
    return [...this.pairs.values()].filter(
      (p) => (api === undefined || p.api === api) && (corpId === undefined || p.corpId === corpId),
    );
  }
}
