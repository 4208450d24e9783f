import { AttachmentService } from '../../attachment.service.js';
import { AttachmentType } from '../../attachment-type.enum.js';
import { MediaType } from '../../media-type.enum.js';
import type { Messages } from '../../messages/index.js';
import type { AlbumRules } from '../../rules/attachment-rules.interface.js';
import type { ProductAlbumService } from '../product-album.service.js';
import { createAlbumOnce } from '../queue/publish-once.js';
import type { PublishRecords, RecordRef } from '../queue/publish-records.js';
import { albumJob, fingerprintOf, type JobSource } from '../queue/queued-job.js';
import type { CatalogueRow } from './catalogue.js';

/** What became of one row. */
export interface RowOutcome {
  row: CatalogueRow;
  /** `checked`: a dry run found nothing wrong (`existed` and `failed` as in a real run). */
  status: 'created' | 'existed' | 'failed' | 'checked';
  productId?: string;
  /** Why it failed, or a note (a row changed since its album was made). */
  message?: string;
}

/** What an import needs: the module's services, where keys are remembered, and how to go. */
export interface ImportRun {
  rows: readonly CatalogueRow[];
  corpId: string | undefined;
  concurrency: number;
  dryRun: boolean;
  fit: boolean;
  attachments: AttachmentService;
  albums: ProductAlbumService;
  /** Undefined in a dry run without a corp: nothing to look keys up in. */
  records: PublishRecords | undefined;
  rules: AlbumRules;
  messages: Messages;
  /** Called as each row ends, in the order they end. */
  report(outcome: RowOutcome): void;
}

/**
 * Imports every row, `concurrency` at a time: a key whose album exists is skipped; the others are
 * checked, then created once each (a run stopped and started again never makes an album twice).
 * A dry run checks every row and file and sends nothing.
 */
export async function importAlbums(run: ImportRun): Promise<RowOutcome[]> {
  const outcomes: RowOutcome[] = [];
  const firstOf = new Map<string, number>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < run.rows.length) {
      const row = run.rows[next++] as CatalogueRow;
      const outcome = await importRow(run, row, firstOf).catch((error: unknown): RowOutcome => ({
        row,
        status: 'failed',
        message: messageOf(error),
      }));
      outcomes.push(outcome);
      run.report(outcome);
    }
  };
  for (const { key, row } of run.rows) if (key && !firstOf.has(key)) firstOf.set(key, row);
  await Promise.all(Array.from({ length: Math.max(1, run.concurrency) }, worker));
  return outcomes.toSorted((a, b) => a.row.row - b.row.row);
}

async function importRow(
  run: ImportRun,
  row: CatalogueRow,
  firstOf: ReadonlyMap<string, number>,
): Promise<RowOutcome> {
  const { key } = row;
  if (!key) return { row, status: 'failed', message: 'the row has neither a key nor a product_sn' };
  if (firstOf.get(key) !== row.row) {
    return { row, status: 'failed', message: `the key ${key} is on row ${firstOf.get(key)} too` };
  }
  const { job, violations } = albumJob(row.input, run.rules, run.messages);
  const ref: RecordRef | undefined = run.corpId
    ? { kind: 'album', corpId: run.corpId, key }
    : undefined;
  const record = ref && (await run.records?.get(ref));
  const fingerprint = fingerprintOf(job);
  if (record?.result) {
    const changed =
      record.fingerprint === fingerprint ? {} : { message: 'changed since: not updated' };
    return { row, status: 'existed', productId: String(record.result.productId), ...changed };
  }
  const broken = violations.map((v) => v.message);
  if (run.dryRun) broken.push(...(await fileViolations(run, job.images)));
  if (broken.length > 0) return { row, status: 'failed', message: run.messages.list(broken) };
  if (run.dryRun || !ref || !run.records) return { row, status: 'checked' };
  const { records } = run;
  const base = { jobId: 'cli', fingerprint };
  const ledger = {
    read: async () => (await records.get(ref))?.mark,
    write: async (mark: Parameters<typeof records.update>[2]['mark']) => {
      await records.update(ref, base, { mark });
    },
  };
  const corpId = run.corpId as string;
  const { productId } = await createAlbumOnce(run.albums, { ...job, fit: run.fit }, corpId, ledger);
  await records.update(ref, base, { result: { productId }, error: undefined });
  return { row, status: 'created', productId };
}

/** Every upload rule each photo breaks (that fitting cannot repair), read from disk. */
async function fileViolations(run: ImportRun, images: readonly JobSource[]): Promise<string[]> {
  const found: string[] = [];
  for (const [at, image] of images.entries()) {
    if (!('path' in image)) continue; // a URL is not downloaded in a dry run
    const checked = await run.attachments
      .check({
        file: image.path,
        mediaType: MediaType.Image,
        attachmentType: AttachmentType.ProductAlbum,
        fit: run.fit,
        ...(run.corpId ? { corpId: run.corpId } : {}),
      })
      .catch((error: unknown) => [{ message: messageOf(error) }]);
    found.push(...checked.map((v) => `images[${at}]: ${v.message}`));
  }
  return found;
}

const messageOf = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);
