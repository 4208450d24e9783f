#!/usr/bin/env node
// `wecom-media albums import <catalogue.json|csv> [--images-dir DIR] [--concurrency N] [--dry-run]
// [--fit]` and `wecom-media upload <files…> --moments|--album`: the module from a shell, with the
// corp from WECOM_CORP_ID / WECOM_CORP_SECRET (or the suite variables), WECOM_BASE_URL and
// WECOM_REDIS_URL. Exit 0: every album exists (every file uploaded); 1: some failed, listed;
// 2: the command, the catalogue or the environment is wrong.
import 'reflect-metadata';
import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AttachmentService } from '../../attachment.service.js';
import { AttachmentType } from '../../attachment-type.enum.js';
import { MediaType } from '../../media-type.enum.js';
import type { Messages } from '../../messages/index.js';
import type { ResolvedWecomMediaOptions } from '../../options/resolve-options.js';
import { ProductAlbumService } from '../product-album.service.js';
import { PublishRecords } from '../queue/publish-records.js';
import { WECOM_MESSAGES, WECOM_RESOLVED_OPTIONS } from '../../wecom-media.constants.js';
import { CatalogueError, readCatalogue } from './catalogue.js';
import { cliApp, credentialsFrom, redisFor, UsageError } from './cli-app.js';
import { importAlbums } from './import-albums.js';
import { progressOn } from './progress.js';
import { StateFile } from './state-file.js';

const USAGE = `usage:
  wecom-media albums import <catalogue.json|csv> [--images-dir DIR] [--concurrency N] [--dry-run] [--fit]
  wecom-media upload <files…> --moments|--album [--fit]

  The corp: WECOM_CORP_ID and WECOM_CORP_SECRET (or WECOM_SUITE_ID, WECOM_SUITE_SECRET,
  WECOM_SUITE_TICKET and WECOM_PERMANENT_CODE); WECOM_BASE_URL for another host than WeCom.
  Keys are remembered in Redis with WECOM_REDIS_URL, else in <catalogue>.wecom-media.json.
  --dry-run   check every row and photo; send nothing to WeCom
  --fit       make photos that break a rule pass (needs sharp)`;

/** Keys the CLI remembers, like the queue's: 30 days. */
const KEY_TTL_MS = 30 * 24 * 60 * 60 * 1000;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'images-dir': { type: 'string' },
      concurrency: { type: 'string', default: '4' },
      'dry-run': { type: 'boolean', default: false },
      fit: { type: 'boolean', default: false },
      moments: { type: 'boolean', default: false },
      album: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, sub, ...rest] = positionals;
  if (values.help || command === undefined) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  if (command === 'upload') {
    return upload(
      [sub, ...rest].filter((f): f is string => f !== undefined),
      values,
    );
  }
  if (command !== 'albums' || sub !== 'import' || rest.length !== 1) {
    throw new UsageError(`unknown command: ${positionals.join(' ')}\n${USAGE}`);
  }
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    throw new UsageError(
      `--concurrency must be a whole number from 1 to 64; got ${values.concurrency}`,
    );
  }
  const catalogue = rest[0] as string;
  const dryRun = values['dry-run'];
  const imagesDir = values['images-dir'] && resolve(values['images-dir']);
  const rows = await readCatalogue(catalogue, imagesDir);
  const { options, corpId } = credentialsFrom(process.env, dryRun);
  const redis = process.env.WECOM_REDIS_URL
    ? await redisFor(process.env.WECOM_REDIS_URL)
    : undefined;
  const keys = redis?.store ?? (await StateFile.open(`${resolve(catalogue)}.wecom-media.json`));
  const app = await cliApp(options, redis?.store, values.fit);
  try {
    const progress = await progressOn(process.stdout, rows.length, dryRun);
    const outcomes = await importAlbums({
      rows,
      corpId,
      concurrency,
      dryRun,
      fit: values.fit,
      attachments: app.get(AttachmentService),
      albums: app.get(ProductAlbumService),
      records: corpId ? new PublishRecords(keys, KEY_TTL_MS) : undefined,
      rules: app.get<ResolvedWecomMediaOptions>(WECOM_RESOLVED_OPTIONS).rules.album,
      messages: app.get<Messages>(WECOM_MESSAGES),
      report: (outcome) => progress.row(outcome),
    });
    progress.end(outcomes);
    return outcomes.some((o) => o.status === 'failed') ? 1 : 0;
  } finally {
    await app.close();
    redis?.close();
  }
}

/** Uploads each file once, for moments or the product album; a line per file. */
async function upload(
  files: string[],
  flags: { moments: boolean; album: boolean; fit: boolean },
): Promise<number> {
  if (files.length === 0 || flags.moments === flags.album) {
    throw new UsageError(`upload takes files and one of --moments or --album\n${USAGE}`);
  }
  const { options } = credentialsFrom(process.env, false);
  const app = await cliApp(options, undefined, flags.fit);
  let failed = 0;
  try {
    const attachments = app.get(AttachmentService);
    for (const file of files) {
      const isVideo = flags.moments && (await looksLikeMp4(file));
      const uploaded = await attachments
        .upload({
          file,
          mediaType: isVideo ? MediaType.Video : MediaType.Image,
          attachmentType: flags.moments ? AttachmentType.Moment : AttachmentType.ProductAlbum,
        })
        .catch((error: unknown) => error as Error);
      if (uploaded instanceof Error) {
        failed += 1;
        process.stdout.write(`failed ${file}: ${uploaded.name}: ${uploaded.message}\n`);
      } else {
        const expires = uploaded.expiresAt.toISOString();
        process.stdout.write(`uploaded ${file} → ${uploaded.mediaId} (until ${expires})\n`);
      }
    }
  } finally {
    await app.close();
  }
  return failed > 0 ? 1 : 0;
}

/** True when the file's bytes start as an MP4 does (`ftyp` at byte 4). */
async function looksLikeMp4(path: string): Promise<boolean> {
  const handle = await open(path).catch(() => undefined);
  if (!handle) return false; // the upload says what is wrong with it
  try {
    const head = Buffer.alloc(8);
    await handle.read(head, 0, 8, 0);
    return head.toString('latin1', 4, 8) === 'ftyp';
  } finally {
    await handle.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const known = error instanceof UsageError || error instanceof CatalogueError;
    const typeError = error instanceof TypeError && /parseArgs|option/i.test(error.message);
    process.stderr.write(
      `${known || typeError ? (error as Error).message : `wecom-media: ${String((error as Error).stack ?? error)}`}\n`,
    );
    process.exitCode = 2;
  },
);
