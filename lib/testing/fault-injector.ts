import { setTimeout as sleep } from 'node:timers/promises';
import type { EmulatorApi, EmulatorFaults, RawAnswer } from './wecom-emulator-options.interface.js';

/** What to do instead of a true answer: an errcode, a raw answer, or a reset connection. */
export type Fault = number | RawAnswer | 'reset';

/**
 * The faults a test or a soak run asks for: queued ones, taken in order per API, and random ones
 * for uploads, plus a delay before every answer.
 */
export class FaultInjector {
  private readonly queued: Record<EmulatorApi, Fault[]> = { gettoken: [], upload_attachment: [] };
  private delayMs = 0;
  private faults: EmulatorFaults = {};
  private uploadCount = 0;

  /** `expireTokens` serves the random fault `expireTokensEvery`. */
  constructor(private readonly expireTokens: () => void) {}

  /** Queues `fault` for the next `times` calls of `api`. */
  queue(api: EmulatorApi, fault: Fault, times = 1): void {
    for (let i = 0; i < times; i++) this.queued[api].push(fault);
  }

  /** Waits `ms` before every answer, on top of any random delay. */
  setDelay(ms: number): void {
    this.delayMs = ms;
  }

  /** Replaces the random faults; `{}` turns them off. */
  setFaults(faults: EmulatorFaults): void {
    this.faults = faults;
  }

  /** The fault for the call of `api` that just arrived: a queued one first, else maybe a random one. */
  next(api: EmulatorApi): Fault | undefined {
    return this.queued[api].shift() ?? this.randomFault(api);
  }

  /** Waits the delay before an answer; `cancel` cuts it short, as no answer is owed then. */
  async pause(cancel: AbortSignal): Promise<void> {
    const [min, max] = this.faults.delayMs ?? [0, 0];
    const ms = this.delayMs + min + (this.faults.random ?? Math.random)() * (max - min);
    if (ms > 0) await sleep(ms, undefined, { signal: cancel }).catch(() => undefined);
  }

  /** Forgets queued faults, random faults and the delay. */
  reset(): void {
    this.queued.gettoken.length = 0;
    this.queued.upload_attachment.length = 0;
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
