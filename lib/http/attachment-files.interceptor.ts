import type { NestInterceptor, Type } from '@nestjs/common';
import {
  receivingInterceptor,
  type AttachmentFileInterceptorOptions,
} from './attachment-file.interceptor.js';

/**
 * Settings of an {@link AttachmentFilesInterceptor}.
 *
 * @publicApi
 */
export interface AttachmentFilesInterceptorOptions extends AttachmentFileInterceptorOptions {
  /** The fewest files the request must carry (0: a text-only moment may come without). @default 1 */
  minCount?: number;
}

/**
 * Like Nest's `FilesInterceptor(fieldName, maxCount)`, for the photos of a moment or an album:
 * up to `maxCount` files of `fieldName`, each with what {@link AttachmentFileInterceptor} gives
 * one — spooled to the module's private temp directory, UTF-8 filenames, an early 413 past the
 * largest rule's size (per file), 408 for a client too slow — and 400 for one file too many or
 * too few. Every file is removed once the handler is done, whatever its outcome. The files are
 * `@UploadedFiles()`, ready for `MomentService.publish({ images: files })`.
 *
 * @param maxCount - at most this many files (a moment or an album takes 9).
 * @publicApi
 */
export function AttachmentFilesInterceptor(
  fieldName = 'media',
  maxCount = 9,
  options: AttachmentFilesInterceptorOptions = {},
): Type<NestInterceptor> {
  const { minCount = 1 } = options;
  for (const [name, value, least] of [
    ['maxCount', maxCount, 1],
    ['minCount', minCount, 0],
  ] as const) {
    if (!Number.isInteger(value) || value < least || value > 100) {
      throw new Error(
        `AttachmentFilesInterceptor: ${name} must be a whole number from ${least} to 100; got ${String(value)}`,
      );
    }
  }
  if (minCount > maxCount) {
    throw new Error(
      `AttachmentFilesInterceptor: minCount (${minCount}) must not be over maxCount (${maxCount})`,
    );
  }
  return receivingInterceptor(
    'AttachmentFilesInterceptor',
    fieldName,
    { min: minCount, max: maxCount, list: true },
    options,
  );
}
