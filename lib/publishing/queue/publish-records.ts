import type { WecomStore } from '../../store/wecom-store.interface.js';
import type { PublishJobError, PublishKind } from './publish-queue.interfaces.js';
import { recordKeyOf, type SendMark } from './queued-job.js';

/**
 * What the module's store remembers of a key, for `keyTtlMs`, whether or not BullMQ still keeps
 * its job: the job, what it was enqueued with, and what it came to.
 */
export interface PublishRecord {
  jobId: string;
  fingerprint: string;
  /** When the key was first enqueued (ISO 8601). */
  enqueuedAt: string;
  /** The creating call sent, and its id once answered. */
  mark?: SendMark;
  /** Set once done: the album's or moment's ids. */
  result?: Record<string, unknown>;
  /** The last attempt's error; `failed` once no attempt is left. */
  error?: PublishJobError;
  failed?: boolean;
  attempts?: number;
}

/** One key's place in the store. */
export interface RecordRef {
  kind: PublishKind;
  corpId: string;
  key: string;
}

/** The records of keys in a store (the module's, or the CLI's own). */
export class PublishRecords {
  constructor(
    private readonly store: WecomStore,
    private readonly ttlMs: number,
  ) {}

  /** The record of `ref`, if the store still holds one. */
  async get(ref: RecordRef): Promise<PublishRecord | undefined> {
    const raw = await this.store.get(keyOf(ref));
    if (raw === undefined) return undefined;
    try {
      return JSON.parse(raw) as PublishRecord;
    } catch {
      return undefined; // not ours: written over below
    }
  }

  /**
   * Writes `record` unless the key has one (SET NX): resolves with undefined when this call
   * wrote it, with the record found otherwise.
   */
  async claim(ref: RecordRef, record: PublishRecord): Promise<PublishRecord | undefined> {
    if (await this.store.acquireLock(keyOf(ref), JSON.stringify(record), this.ttlMs)) {
      return undefined;
    }
    return (await this.get(ref)) ?? record;
  }

  /** Lays `changes` over the record of `ref` (made from `base` when the store has none). */
  async update(
    ref: RecordRef,
    base: Pick<PublishRecord, 'jobId' | 'fingerprint'>,
    changes: Partial<PublishRecord>,
  ): Promise<PublishRecord> {
    const now = (await this.get(ref)) ?? { ...base, enqueuedAt: new Date().toISOString() };
    const next = { ...now, ...changes };
    await this.store.set(keyOf(ref), JSON.stringify(next), this.ttlMs);
    return next;
  }
}

const keyOf = ({ kind, corpId, key }: RecordRef): string => recordKeyOf(kind, corpId, key);
