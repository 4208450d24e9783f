import { beforeAll } from 'vitest';
import { AttachmentType, MediaType } from '../../lib/index.js';
import type { RecordedUpload } from '../../lib/testing/index.js';
import {
  avifOf,
  gifOf,
  noisyPng,
  phonePhoto,
  pngOf,
  tiffOf,
  transparentWebp,
  webpOf,
} from '../helpers/images.js';

// What the fit specs share: the images of the issue, and what WeCom received of them.

export const MiB = 1024 * 1024;
export const moment = AttachmentType.Moment;
export const album = AttachmentType.ProductAlbum;
export const image = MediaType.Image;

/** How each of the images is made. */
const MAKERS = {
  photo: () => phonePhoto(4032, 3024),
  sideways: () => phonePhoto(4032, 3024, 6), // a 3024 × 4032 photo, stored on its side
  tall: () => pngOf(1000, 12_000),
  webp: () => webpOf(800, 600),
  gif: () => gifOf(640, 480),
  avif: () => avifOf(640, 480),
  tiff: () => tiffOf(640, 480),
  transparent: () => transparentWebp(400, 300),
  noisy: () => noisyPng(12 * MiB),
} satisfies Record<string, () => Promise<Buffer>>;

/** One of the images. */
export type FitImage = keyof typeof MAKERS;

/** The images `names`, made once, before the tests of the calling file. */
export function fitImages<K extends FitImage>(...names: K[]): Record<K, Buffer> {
  const files = {} as Record<K, Buffer>;
  beforeAll(async () => {
    for (const name of names) files[name] = await MAKERS[name]();
  }, 120_000);
  return files;
}

/** What WeCom received last, bytes included. */
export function received(uploads: readonly { upload?: RecordedUpload; errcode?: number }[]): {
  content: Buffer;
  filename?: string;
  errcode?: number;
} {
  const last = uploads.at(-1);
  return {
    content: last?.upload?.content ?? Buffer.alloc(0),
    filename: last?.upload?.filename,
    errcode: last?.errcode,
  };
}
