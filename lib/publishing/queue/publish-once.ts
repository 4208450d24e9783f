import type { MomentService } from '../moment.service.js';
import type { ProductAlbumService } from '../product-album.service.js';
import type { SendMarks } from '../publish-files.js';
import type { QueuedAlbumResult, QueuedMomentResult } from './publish-queue.interfaces.js';
import {
  albumInput,
  momentInput,
  type AlbumJob,
  type MomentJob,
  type SendMark,
} from './queued-job.js';

/** Where a job keeps the mark of its creating call across attempts, workers and crashes. */
export interface MarkLedger {
  /** The mark an earlier attempt left, if any. */
  read(): Promise<SendMark | undefined>;
  /** Keeps `mark` (undefined: drops it) before the job goes on. */
  write(mark: SendMark | undefined): Promise<void>;
}

/** An album found by an earlier attempt's lookup may predate its call by this much (clock skew). */
const CLOCK_SKEW_MS = 60_000;

/** The marks of one attempt, kept in `ledger`. */
function marksOf(ledger: MarkLedger, known: string | undefined): SendMarks {
  let sentAt = Date.now();
  return {
    ...(known ? { known } : {}),
    before: () => ledger.write({ sentAt: (sentAt = Date.now()) }),
    after: (id) => ledger.write({ sentAt, id }),
    refused: () => ledger.write(undefined),
  };
}

/**
 * Creates the album of a job at most once: an id an earlier attempt wrote is the album; a mark
 * without one (a crash or a lost answer after add_product_album was sent) has the album looked
 * up before anything is sent again.
 */
export async function createAlbumOnce(
  albums: ProductAlbumService,
  job: AlbumJob,
  corpId: string,
  ledger: MarkLedger,
  signal?: AbortSignal,
): Promise<QueuedAlbumResult> {
  const mark = await ledger.read();
  if (mark?.id) return { productId: mark.id };
  if (mark) {
    const found = await findAlbum(albums, job, corpId, mark.sentAt);
    if (found) {
      await ledger.write({ ...mark, id: found });
      return { productId: found };
    }
  }
  const input = { ...albumInput(job, corpId), ...(signal ? { signal } : {}) };
  const { productId } = await albums.createMarked(input, marksOf(ledger, undefined));
  return { productId };
}

/**
 * Publishes the moment of a job: a jobid an earlier attempt wrote is only waited for. A mark
 * without one cannot be looked up (add_moment_task has no lookup): the moment is sent again.
 */
export async function publishMomentOnce(
  moments: MomentService,
  job: MomentJob,
  corpId: string,
  ledger: MarkLedger,
  signal?: AbortSignal,
): Promise<QueuedMomentResult> {
  const mark = await ledger.read();
  const input = { ...momentInput(job, corpId), ...(signal ? { signal } : {}) };
  const { jobId, momentId, invalidSenders, invalidCustomerTagIds } = await moments.publishMarked(
    input,
    marksOf(ledger, mark?.id),
  );
  return { jobId, momentId, invalidSenders, invalidCustomerTagIds };
}

/**
 * The album an earlier attempt may have made: by its product_sn, or — without one — by its
 * description and price among those created since the call was sent. The newest match wins.
 */
async function findAlbum(
  albums: ProductAlbumService,
  job: AlbumJob,
  corpId: string,
  sentAt: number,
): Promise<string | undefined> {
  let found: string | undefined;
  for await (const album of albums.list({ corpId, limit: 100 })) {
    const same =
      job.productSn === undefined
        ? album.description === job.description &&
          album.priceFen === job.priceFen &&
          (album.createdAt?.getTime() ?? 0) >= sentAt - CLOCK_SKEW_MS
        : album.productSn === job.productSn;
    if (same) found = album.productId;
  }
  return found;
}
