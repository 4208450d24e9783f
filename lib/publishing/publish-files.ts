import { Readable } from 'node:stream';
import type { AttachmentInput } from '../attachment-input.interface.js';
import { AttachmentService, isJudged, type Judged } from '../attachment.service.js';
import type { AttachmentType } from '../attachment-type.enum.js';
import { linkSignals } from '../client/abort.js';
import { releaseStream } from '../source/attachment-source.js';
import { AttachmentRuleError } from '../errors/attachment-rule.error.js';
import { WecomApiError, WecomBusyError } from '../errors/wecom-api.error.js';
import type { MediaType } from '../media-type.enum.js';
import { ruleError, type Messages } from '../messages/index.js';
import type { RuleName, Violation } from '../rules/violation.interface.js';
import type { UploadedAttachment } from '../uploaded-attachment.interface.js';
import type { PublishOptions, PublishSource } from './publishing.interfaces.js';

/** One file of a moment or an album, named by its place (`images[2]`). */
export interface PublishFile {
  source: PublishSource;
  label: string;
  mediaType: MediaType;
  attachmentType: AttachmentType;
  /** The name of a Buffer or a stream given without one: `image-3`, its extension from its bytes. */
  bareName: string;
}

/** Each file judged, and what it breaks (labelled), before anything is uploaded. */
export interface JudgedFiles {
  violations: Violation[];
  /** Uploads each file (a `{ mediaId }` as it is); resolves with the media_ids in order. */
  upload(): Promise<{ mediaIds: string[]; attachments: UploadedAttachment[] }>;
  /** Lets every file go, when nothing is to be uploaded after all. */
  dispose(): Promise<void>;
}

const EXTENSIONS: Partial<Record<string, string>> = { jpeg: 'jpg', png: 'png', mp4: 'mp4' };

/** Refusals that make judging the files moot: too many of them, or kinds mixed. */
const MOOT: ReadonlySet<RuleName> = new Set([
  'moment-empty',
  'moment-attachment-kinds',
  'moment-image-count',
  'album-image-count',
]);

/**
 * Judges the files of a moment or an album after its own rules (`violations`), and resolves with
 * them ready to upload once nothing is broken; otherwise throws every violation, the files let go.
 * A count or a mix of kinds refused opens no file at all; a file that cannot be read (a source
 * failure) loses to the rule violations already known.
 */
export async function judgeAll(
  service: AttachmentService,
  files: readonly PublishFile[],
  options: PublishOptions & { maxPixels?: number },
  violations: Violation[],
  m: Messages,
): Promise<JudgedFiles> {
  if (violations.some((v) => MOOT.has(v.rule))) {
    releaseSources(files);
    throw ruleError(violations, m);
  }
  let judged: JudgedFiles;
  try {
    judged = await judgeFiles(service, files, options, m);
  } catch (error) {
    if (violations.length > 0) throw ruleError(violations, m);
    throw error;
  }
  const all = [...violations, ...judged.violations];
  if (all.length > 0) {
    await judged.dispose();
    throw ruleError(all, m);
  }
  return judged;
}

/** Lets go of the streams among `files`, when none will be read (the call was refused first). */
export function releaseSources(files: readonly PublishFile[]): void {
  for (const { source } of files) {
    releaseStream(
      typeof source === 'object' && source !== null && 'file' in source ? source.file : source,
    );
  }
}

/**
 * Opens and judges every file of a moment or an album — a moments image also by `maxPixels` —
 * so that nothing is sent unless all of them pass. Then uploads them side by side (within the
 * corp's limits): when one fails, the others stop, and the error names the file.
 */
async function judgeFiles(
  service: AttachmentService,
  files: readonly PublishFile[],
  options: PublishOptions & { maxPixels?: number },
  m: Messages,
): Promise<JudgedFiles> {
  const opened = await Promise.allSettled(
    files.map((file) => {
      const input = inputOf(file, options);
      return input ? service.judge(input, options.maxPixels) : Promise.resolve(undefined);
    }),
  );
  const judged = opened.map((o) => (o.status === 'fulfilled' ? o.value : undefined));
  const dispose = async (): Promise<void> => {
    await Promise.all(judged.map((j) => (j && isJudged(j) ? j.source.dispose() : undefined)));
  };
  const failed = opened.findIndex((o) => o.status === 'rejected');
  if (failed >= 0) {
    await dispose();
    throw labelled((opened[failed] as PromiseRejectedResult).reason, files[failed]?.label ?? '');
  }
  const violations: Violation[] = [];
  for (const [at, file] of files.entries()) {
    const one = judged[at];
    if (!one) {
      const problem = mediaIdProblem(file.source, m);
      if (problem) violations.push({ ...problem, message: `${file.label}: ${problem.message}` });
      continue;
    }
    if (isJudged(one) && isBare(file.source)) one.filename = bareName(file, one);
    const broken = isJudged(one)
      ? await service.remaining(inputOf(file, options) as AttachmentInput, one)
      : one.violations;
    violations.push(...broken.map((v) => ({ ...v, message: `${file.label}: ${v.message}` })));
  }
  return {
    violations,
    dispose,
    upload: () => uploadJudged(service, files, judged, options),
  };
}

/** Uploads the judged files side by side; one failure stops the others. */
async function uploadJudged(
  service: AttachmentService,
  files: readonly PublishFile[],
  judged: ReadonlyArray<Judged | { violations: Violation[] } | undefined>,
  options: PublishOptions,
): Promise<{ mediaIds: string[]; attachments: UploadedAttachment[] }> {
  const linked = linkSignals([options.signal]);
  try {
    const results = await Promise.all(
      files.map(async (file, at) => {
        const one = judged[at];
        if (!one) return (file.source as { mediaId: string }).mediaId;
        const input = { ...(inputOf(file, options) as AttachmentInput), signal: linked.signal };
        return service.finish(input, one).catch((error: unknown) => {
          linked.abort(error);
          throw labelled(error, file.label);
        });
      }),
    );
    const attachments = results.filter((r): r is UploadedAttachment => typeof r !== 'string');
    return { mediaIds: results.map((r) => (typeof r === 'string' ? r : r.mediaId)), attachments };
  } finally {
    linked.dispose();
  }
}

/** A `{ mediaId }` that is no media_id: WeCom would refuse the whole call after the uploads. */
function mediaIdProblem(source: PublishSource, m: Messages): Violation | undefined {
  const { mediaId } = source as { mediaId: unknown };
  if (typeof mediaId === 'string' && mediaId.trim() !== '') return undefined;
  const actual = typeof mediaId === 'string' ? JSON.stringify(mediaId) : typeof mediaId;
  return { rule: 'media-id', message: m.mediaIdInvalid(actual), actual };
}

/** The upload `file` asks for, or undefined for a media_id given as it is. */
function inputOf(file: PublishFile, options: PublishOptions): AttachmentInput | undefined {
  const { source } = file;
  if (typeof source === 'object' && source !== null && 'mediaId' in source) return undefined;
  const explicit = typeof source === 'object' && source !== null && 'file' in source;
  const given = explicit ? source : { file: source };
  const common = {
    mediaType: file.mediaType,
    attachmentType: file.attachmentType,
    ...(options.corpId === undefined ? {} : { corpId: options.corpId }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.fit === undefined ? {} : { fit: options.fit }),
  };
  // A bare Buffer or stream gets a name from its place; its extension comes once the bytes tell.
  const filename = given.filename ?? (isBare(given.file) ? file.bareName : undefined);
  return { ...common, file: given.file, ...(filename ? { filename } : {}) } as AttachmentInput;
}

const isBare = (file: unknown): boolean => file instanceof Uint8Array || file instanceof Readable;

/** `image-3.jpg`: the place's name, and the extension of the format the bytes show. */
function bareName(file: PublishFile, judged: Judged): string {
  const extension = EXTENSIONS[judged.media.format];
  return extension ? `${file.bareName}.${extension}` : file.bareName;
}

/** `error`, saying which file it was about: a rule error's violations, any other's message. */
function labelled(error: unknown, label: string): unknown {
  if (error instanceof AttachmentRuleError) {
    const violations = error.violations.map((v) => ({ ...v, message: `${label}: ${v.message}` }));
    return new AttachmentRuleError(violations, `${label}: ${error.message}`);
  }
  if (error instanceof Error) error.message = `${label}: ${error.message}`;
  return error;
}

export { ruleError };

/**
 * How a queued job sends its one creating call (add_product_album, add_moment_task) at most once:
 * a mark before it is sent, the id it answered written at once, the mark gone when WeCom refused.
 */
export interface SendMarks {
  /** The id an earlier attempt got: nothing is uploaded or sent again. */
  known?: string;
  before(): Promise<void>;
  after(id: string): Promise<void>;
  /** WeCom refused it with an errcode, or the module held the call back: nothing was made. */
  refused(): Promise<void>;
}

/** `send`, between the marks (when given). A call whose outcome is unknown keeps its mark. */
export async function sendMarked(
  marks: SendMarks | undefined,
  send: () => Promise<string>,
): Promise<string> {
  if (!marks) return send();
  await marks.before();
  let id: string;
  try {
    id = await send();
  } catch (error) {
    // -1 (system busy) may come after WeCom acted on the call: its mark stays, so that the next
    // attempt looks for what it made before sending again.
    if (error instanceof WecomApiError && !(error instanceof WecomBusyError)) await marks.refused();
    throw error;
  }
  await marks.after(id);
  return id;
}
