import { createHash } from 'node:crypto';
import type { RemovedMetadata } from '../media/location-cut.js';
import type { FittedAttachment } from '../media/fit/fit-options.interface.js';
import type { UploadedAttachment } from '../uploaded-attachment.interface.js';
import type { WecomStore } from './wecom-store.interface.js';
import type { AttachmentSource } from '../source/attachment-source.js';
import type { MediaType } from '../media-type.enum.js';

/** How many file digests to remember; the oldest is forgotten first. */
const MAX_REMEMBERED_DIGESTS = 1000;

/** One upload that identical callers share, and how many of them still wait for it. */
interface SharedUpload {
  result: Promise<UploadedAttachment>;
  stop: AbortController;
  waiting: number;
}

/**
 * What tells uploads apart: the corp (a media_id is valid only there), the bytes, the media and
 * attachment types, the filename (users see it) and `variant`, what shapes what is sent (a fit's
 * JPEG qualities, the metadata kept).
 */
export interface CachedUpload {
  corpId: string;
  source: AttachmentSource;
  mediaType: MediaType;
  attachmentType: number;
  filename: string;
  variant: string;
}

/** What the cache keeps per upload. */
interface CachedMedia {
  type: MediaType;
  mediaId: string;
  createdAt: number;
  expiresAt: number;
  fitted?: FittedAttachment;
  cleaned?: RemovedMetadata[];
}

/**
 * Remembers the media_id of each upload, keyed by the corp (a media_id is valid only in the corp
 * that uploaded it) and the bytes' sha256 with the media type, the attachment type and the
 * filename (users see the filename), until `expiresAt` minus a margin. One product image sent to
 * many customers' moments is then uploaded once per corp.
 */
export class MediaIdCache {
  private readonly inflight = new Map<string, SharedUpload>();
  /** sha256 of unchanged files by identity, so a repeat upload of a path is not hashed again. */
  private readonly digests = new Map<string, string>();

  constructor(
    private readonly store: WecomStore,
    private readonly safetyMarginMs: number,
  ) {}

  /**
   * The cache key of an upload; reads the source once to hash it. `variant` tells apart uploads of
   * the same bytes that are sent differently (how an image is fitted).
   */
  async keyFor({
    corpId,
    source,
    mediaType,
    attachmentType,
    filename,
    variant,
  }: CachedUpload): Promise<string> {
    const bytes = await this.digest(source);
    const identity = createHash('sha256')
      .update(JSON.stringify([bytes, mediaType, attachmentType, filename, variant]))
      .digest('hex');
    return `wecom-media:media:${corpId}:${identity}`;
  }

  /**
   * The cached attachment for `key`, or the result of `upload`, which is then cached. Concurrent
   * callers with one key in this process share one upload. Each waits with its own `signal`: one
   * caller that goes away leaves the others' upload running; it is aborted only once every caller
   * has gone.
   */
  /**
   * The cached attachment of `what`, or `upload`'s result, shared by identical callers. The cache
   * owns `what.source` from here: it disposes it once nothing reads it (a shared upload reads the
   * first caller's source, which must outlive that caller then).
   */
  async reuseOrUpload(
    what: CachedUpload,
    upload: (signal: AbortSignal) => Promise<UploadedAttachment>,
    signal?: AbortSignal,
  ): Promise<UploadedAttachment> {
    let owned = true;
    try {
      const key = await this.keyFor(what);
      return await this.getOrUpload(
        key,
        (shared) => {
          owned = false;
          return upload(shared).finally(() => what.source.dispose());
        },
        signal,
      );
    } finally {
      if (owned) await what.source.dispose();
    }
  }

  async getOrUpload(
    key: string,
    upload: (signal: AbortSignal) => Promise<UploadedAttachment>,
    signal?: AbortSignal,
  ): Promise<UploadedAttachment> {
    signal?.throwIfAborted();
    const hit = await this.get(key);
    if (hit) return hit;
    let shared = this.inflight.get(key);
    const first = shared === undefined;
    if (!shared) {
      const stop = new AbortController();
      const result = upload(stop.signal).then(async (attachment) => {
        await this.set(key, attachment);
        return attachment;
      });
      const entry: SharedUpload = { result, stop, waiting: 0 };
      void result.catch(() => undefined).finally(() => this.inflight.delete(key));
      this.inflight.set(key, entry);
      shared = entry;
    }
    const result = await this.wait(shared, signal);
    return first ? result : { ...result, reused: true };
  }

  /** `shared`'s result, or `signal`'s reason once it aborts; the last caller to leave stops it. */
  private wait(shared: SharedUpload, signal?: AbortSignal): Promise<UploadedAttachment> {
    shared.waiting += 1;
    if (!signal) return shared.result;
    return new Promise((resolve, reject) => {
      const leave = (): void => {
        shared.waiting -= 1;
        if (shared.waiting === 0) shared.stop.abort(signal.reason);
        reject(signal.reason as Error);
      };
      signal.addEventListener('abort', leave, { once: true });
      shared.result.then(resolve, reject).finally(() => signal.removeEventListener('abort', leave));
    });
  }

  private async digest(source: AttachmentSource): Promise<string> {
    const known = source.identity === undefined ? undefined : this.digests.get(source.identity);
    if (known) return known;
    const digest = await sha256Of(source);
    if (source.identity !== undefined) {
      if (this.digests.size >= MAX_REMEMBERED_DIGESTS)
        this.digests.delete(this.digests.keys().next().value ?? '');
      this.digests.set(source.identity, digest);
    }
    return digest;
  }

  private async get(key: string): Promise<UploadedAttachment | undefined> {
    const raw = await this.store.get(key);
    if (!raw) return undefined;
    let cached: CachedMedia;
    try {
      cached = JSON.parse(raw) as CachedMedia;
    } catch {
      return undefined;
    }
    if (typeof cached.mediaId !== 'string' || Date.now() >= cached.expiresAt - this.safetyMarginMs)
      return undefined;
    return {
      type: cached.type,
      mediaId: cached.mediaId,
      createdAt: new Date(cached.createdAt),
      expiresAt: new Date(cached.expiresAt),
      reused: true,
      ...(cached.fitted ? { fitted: cached.fitted } : {}),
      ...(cached.cleaned ? { cleaned: cached.cleaned } : {}),
    };
  }

  private async set(key: string, result: UploadedAttachment): Promise<void> {
    const ttl = result.expiresAt.getTime() - this.safetyMarginMs - Date.now();
    if (ttl <= 0) return;
    const value: CachedMedia = {
      type: result.type,
      mediaId: result.mediaId,
      createdAt: result.createdAt.getTime(),
      expiresAt: result.expiresAt.getTime(),
      ...(result.fitted ? { fitted: result.fitted } : {}),
      ...(result.cleaned ? { cleaned: result.cleaned } : {}),
    };
    await this.store.set(key, JSON.stringify(value), ttl);
  }
}

async function sha256Of(source: AttachmentSource): Promise<string> {
  const hash = createHash('sha256');
  const body = source.body();
  if (Buffer.isBuffer(body)) return hash.update(body).digest('hex');
  for await (const chunk of body) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
