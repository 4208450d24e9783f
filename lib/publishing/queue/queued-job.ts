import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import type { Messages } from '../../messages/index.js';
import type { FitOptions } from '../../options/wecom-media-options.js';
import type { AlbumRules, MomentRules } from '../../rules/attachment-rules.interface.js';
import { checkAlbum, checkMoment } from '../../rules/publish-rules.js';
import type { Violation } from '../../rules/violation.interface.js';
import type {
  CreateProductAlbumInput,
  PublishMomentInput,
  PublishSource,
} from '../publishing.interfaces.js';
import type {
  PublishKind,
  QueuedAlbumInput,
  QueuedMomentInput,
  QueuedSource,
} from './publish-queue.interfaces.js';

// What a job carries in Redis: plain JSON that any worker can act on, and no secret — the
// token is fetched by the worker that runs it.

/** A file as a job carries it: an absolute path, a URL or a media_id. */
export type JobSource =
  { path: string; filename?: string } | { url: string; filename?: string } | { mediaId: string };

/** An album as a job carries it. */
export interface AlbumJob {
  description: string;
  priceFen: number;
  productSn?: string;
  images: JobSource[];
  fit?: boolean | FitOptions;
}

/** A moment as a job carries it. */
export interface MomentJob {
  text?: string;
  images?: JobSource[];
  video?: JobSource;
  link?: { title: string; url: string; cover?: JobSource };
  senders?: { userIds?: string[]; departmentIds?: number[] };
  customerTagIds?: string[];
  fit?: boolean | FitOptions;
  waitMs?: number;
}

/** A call the job has sent: when, and the id it answered once written (product_id or jobid). */
export interface SendMark {
  sentAt: number;
  id?: string;
}

/** A job's data: what to publish, for which corp and key. */
export type PublishJobData = {
  corpId: string;
  key: string;
  fingerprint: string;
  mark?: SendMark;
} & ({ kind: 'album'; input: AlbumJob } | { kind: 'moment'; input: MomentJob });

/** The longest key: a job id and a store key are made of it. */
const MAX_KEY_CHARS = 256;

/** A key that cannot name a job: a programmer's error, thrown as such. */
export function checkKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_CHARS) {
    const actual = typeof key === 'string' ? `${key.length} characters` : typeof key;
    throw new TypeError(
      `key must be a string of 1 to ${MAX_KEY_CHARS} characters (a product_sn, a campaign id); got ${actual}`,
    );
  }
}

/**
 * A queued source as a job carries it, or the `queue-source` violation of one no worker can read.
 * A relative path is resolved here, against this process's working directory.
 */
export function jobSource(source: QueuedSource, label: string, m: Messages): JobSource | Violation {
  const given: unknown = source;
  if (isObject(given) && typeof given.mediaId === 'string') return { mediaId: given.mediaId };
  const named = isObject(given) && 'file' in given ? given : { file: given };
  const filename = typeof named.filename === 'string' ? { filename: named.filename } : {};
  const file = named.file;
  if (typeof file === 'string' && file !== '') return { path: resolve(file), ...filename };
  if (file instanceof URL) return { url: file.href, ...filename };
  const path = isObject(file) && !(file instanceof Readable) ? file.path : undefined;
  if (typeof path === 'string' && isObject(file) && !('buffer' in file && file.buffer)) {
    const original = typeof file.originalname === 'string' ? { filename: file.originalname } : {};
    return { path: resolve(path), ...original, ...filename };
  }
  const kind =
    file instanceof Uint8Array
      ? 'a Buffer'
      : file instanceof Readable
        ? 'a stream'
        : isObject(file) && 'buffer' in file
          ? 'a file in memory'
          : `a ${typeof file}`;
  return { rule: 'queue-source', message: `${label}: ${m.queueSource(kind)}`, actual: kind };
}

/** What a worker gives the publishing service for a job's source. */
export function publishSource(source: JobSource): PublishSource {
  if ('mediaId' in source) return { mediaId: source.mediaId };
  const file = 'url' in source ? new URL(source.url) : source.path;
  return source.filename === undefined ? file : { file, filename: source.filename };
}

/** Each source of `list` for a job, and the violations of those that cannot be queued. */
function jobSources(
  list: readonly QueuedSource[] | undefined,
  label: string,
  m: Messages,
  violations: Violation[],
): JobSource[] | undefined {
  if (list === undefined) return undefined;
  const out: JobSource[] = [];
  for (const [at, source] of list.entries()) {
    const one = jobSource(source, `${label}[${at}]`, m);
    if ('rule' in one) violations.push(one);
    else out.push(one);
  }
  return out;
}

/**
 * An album input as a job, checked as far as the text fields, the counts and the sources go
 * (the files are judged by the worker that reads them).
 */
export function albumJob(
  input: QueuedAlbumInput,
  rules: AlbumRules,
  m: Messages,
): { job: AlbumJob; violations: Violation[] } {
  const { description, priceFen, productSn, images, fit } = input;
  const draft = { description, priceFen, productSn, images: images?.length };
  const violations = checkAlbum(draft, rules, m);
  const job: AlbumJob = {
    description,
    priceFen,
    ...(productSn === undefined ? {} : { productSn }),
    images: jobSources(images ?? [], 'images', m, violations) ?? [],
    ...(fit === undefined ? {} : { fit }),
  };
  return { job, violations };
}

/** A moment input as a job, checked as far as can be without reading its files. */
export function momentJob(
  input: QueuedMomentInput,
  rules: MomentRules,
  m: Messages,
): { job: MomentJob; violations: Violation[] } {
  const { text, images, video, link, senders, customerTagIds, fit, waitMs } = input;
  const draft = {
    text,
    images: images?.length ?? 0,
    video: video !== undefined,
    ...(link
      ? { link: { title: link.title, url: link.url, cover: link.cover !== undefined } }
      : {}),
  };
  const violations = checkMoment(draft, rules, m);
  const one = (source: QueuedSource | undefined, label: string): JobSource | undefined =>
    source === undefined ? undefined : jobSources([source], label, m, violations)?.[0];
  const cover = one(link?.cover, 'link.cover');
  const job: MomentJob = {
    ...(text === undefined ? {} : { text }),
    ...(images === undefined ? {} : { images: jobSources(images, 'images', m, violations) }),
    ...(video === undefined ? {} : { video: one(video, 'video') }),
    ...(link ? { link: { title: link.title, url: link.url, ...(cover ? { cover } : {}) } } : {}),
    ...(senders === undefined
      ? {}
      : {
          senders: {
            ...(senders.userIds ? { userIds: [...senders.userIds] } : {}),
            ...(senders.departmentIds ? { departmentIds: [...senders.departmentIds] } : {}),
          },
        }),
    ...(customerTagIds === undefined ? {} : { customerTagIds: [...customerTagIds] }),
    ...(fit === undefined ? {} : { fit }),
    ...(waitMs === undefined ? {} : { waitMs }),
  };
  return { job, violations };
}

/** The publishing service's input for an album job. */
export function albumInput(job: AlbumJob, corpId: string): CreateProductAlbumInput {
  const { images, ...rest } = job;
  return { ...rest, corpId, images: images.map(publishSource) };
}

/** The publishing service's input for a moment job. */
export function momentInput(job: MomentJob, corpId: string): PublishMomentInput {
  const { images, video, link, ...rest } = job;
  return {
    ...rest,
    corpId,
    ...(images ? { images: images.map(publishSource) } : {}),
    ...(video ? { video: publishSource(video) } : {}),
    ...(link
      ? {
          link: {
            title: link.title,
            url: link.url,
            ...(link.cover ? { cover: publishSource(link.cover) } : {}),
          },
        }
      : {}),
  };
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** What a key was enqueued with: the same content gives the same fingerprint. */
export const fingerprintOf = (job: AlbumJob | MomentJob): string => sha256(JSON.stringify(job));

/**
 * The job id of a key: readable (`album~ww…~SN001`) when the key is plain letters and digits,
 * its hash otherwise. BullMQ takes no `:` in a custom id.
 */
export function jobIdOf(kind: PublishKind, corpId: string, key: string): string {
  const part = /^[\w.-]{1,100}$/.test(key) ? key : `#${sha256(key).slice(0, 40)}`;
  return `${kind}~${corpId}~${part}`;
}

/** The store key of a key's record: per kind and corp, whatever queue it went through. */
export const recordKeyOf = (kind: PublishKind, corpId: string, key: string): string =>
  `wecom-media:publish:${kind}:${corpId}:${sha256(key)}`;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
