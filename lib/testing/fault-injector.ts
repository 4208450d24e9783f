import { setTimeout as sleep } from 'node:timers/promises';
import type { EmulatorApi, EmulatorFaults, RawAnswer } from './wecom-emulator-options.interface.js';

/** What to do instead of a true answer: an errcode, a raw answer, or a reset connection. */
export type Fault = number | RawAnswer | 'reset';

/**
 * The faults a test or a soak run asks for: queued ones, taken in order per API (and per corp,
 * when queued for one), and random ones for uploads, plus a delay before every answer.
 */
export class FaultInjector {
  /** Keyed by API, or by API and corp (`api corp`). */
  private readonly queued = new Map<string, Fault[]>();
  private delayMs = 0;
  private faults: EmulatorFaults = {};
  private uploadCount = 0;

  /** `expireTokens` serves the random fault `expireTokensEvery`. */
  constructor(private readonly expireTokens: () => void) {}

  /** Queues `fault` for the next `times` calls of `api` (for `corpId` only, when given). */
  queue(api: EmulatorApi, fault: Fault, times = 1, corpId?: string): void {
    const key = corpId === undefined ? api : `${api} ${corpId}`;
    const queue = this.queued.get(key) ?? [];
    for (let i = 0; i < times; i++) queue.push(fault);
    this.queued.set(key, queue);
  }

  /** Waits `ms` before every answer, on top of any random delay. */
  setDelay(ms: number): void {
    this.delayMs = ms;
  }

  /** Replaces the random faults; `{}` turns them off. */
  setFaults(faults: EmulatorFaults): void {
    this.faults = faults;
  }

  /**
   * The fault for the call of `api` (for `corpId`, when known) that just arrived: one queued for
   * its corp, then one queued for every corp, else maybe a random one.
   */
  next(api: EmulatorApi, corpId?: string): Fault | undefined {
    return this.nextFor(api, corpId) ?? this.queued.get(api)?.shift() ?? this.randomFault(api);
  }

  /** A fault queued for `corpId` alone, taken once the corp is known (from a JSON body, say). */
  nextFor(api: EmulatorApi, corpId: string | undefined): Fault | undefined {
    return corpId === undefined ? undefined : this.queued.get(`${api} ${corpId}`)?.shift();
  }

  /** Waits the delay before an answer; `cancel` cuts it short, as no answer is owed then. */
  async pause(cancel: AbortSignal): Promise<void> {
    const [min, max] = this.faults.delayMs ?? [0, 0];
    const ms = this.delayMs + min + (this.faults.random ?? Math.random)() * (max - min);
    if (ms > 0) await sleep(ms, undefined, { signal: cancel }).catch(() => undefined);
  }

  /** Forgets queued faults, random faults and the delay. */
  reset(): void {
    this.queued.clear();
    this.delayMs = 0;
    this.faults = {};
    this.uploadCount = 0;
  }

  private randomFault(api: EmulatorApi): number | 'reset' | undefined {
    const {
      busyRate = 0,
      resetRate = 0,
      rateLimitRate = 0,
      expireTokensEvery,
      random = Math.random,
    } = this.faults;
    if (api !== 'upload_attachment') return undefined;
    this.uploadCount += 1;
    if (expireTokensEvery && this.uploadCount % expireTokensEvery === 0) this.expireTokens();
    const roll = random();
    if (roll < resetRate) return 'reset';
    if (roll < resetRate + busyRate) return -1;
    if (roll < resetRate + busyRate + rateLimitRate) return 45009;
    return undefined;
  }
}
