import { Inject, Injectable } from '@nestjs/common';
import type { Request, RequestHandler, Response } from 'express';
import type { Multer, MulterError } from 'multer';
import { WECOM_MESSAGES, WECOM_RESOLVED_OPTIONS } from '../wecom-media.constants.js';
import type { ResolvedWecomMediaOptions } from '../options/resolve-options.js';
import { defaultFit } from '../media/fit/fit-plan.js';
import type { MediaType } from '../media-type.enum.js';
import { receiveLimit } from '../rules/attachment-rules.js';
import type { RuleName } from '../rules/violation.interface.js';
import type { Messages } from '../messages/index.js';
import { TempDirectory } from '../source/temp-directory.js';
import { SpoolStorage } from './spool-storage.js';
import { badUpload, tooLarge, tooSlow } from './upload-error.responses.js';

/** Small bounds on everything in the body but the file. */
const BODY_LIMITS = {
  files: 1,
  fields: 8,
  fieldSize: 1024,
  fieldNameSize: 100,
  parts: 10,
  headerPairs: 32,
};

/**
 * The bounds of a body of several files: room for a publish form's fields beside them (a moment's
 * text is up to 4,000 bytes, a list of senders more), still small.
 */
const limitsFor = ({ max, list }: ReceiveSettings['count']): typeof BODY_LIMITS =>
  !list
    ? BODY_LIMITS
    : // One file more than max: multer then names the field a file too many came in.
      { ...BODY_LIMITS, files: max + 1, fields: 32, fieldSize: 16_384, parts: max + 33 };

/** What one interceptor receives: how many files, how long it waits, whether images may be fitted. */
export interface ReceiveSettings {
  receiveTimeoutMs: number;
  forFit: boolean;
  /** The media type of a route whose query names none (a photos endpoint: image). */
  mediaType?: MediaType;
  /** How many files: `req.files`, `min` to `max` of them, when `list`; else `req.file`, one. */
  count: { min: number; max: number; list: boolean };
}

/**
 * Receives a multipart file (or several) into the module's private temp directory (never memory):
 * UTF-8 filenames, the largest configured size as the cut-off (for an image to fit —
 * `media_type=image` in the query or the route's `mediaType`, and `fit` on in the module or the
 * interceptor — as much as fitting takes: `fit.maxInputBytes`), small bounds on the rest, a receive
 * timeout, and every failure turned into a 400/408/413 with violations. multer is loaded on the
 * first upload, so an app that never receives one never loads it.
 */
@Injectable()
export class UploadReceiver {
  private readonly storage: SpoolStorage;
  private multer?: Promise<{
    create: (
      fieldName: string,
      maxBytes: number,
      count: ReceiveSettings['count'],
    ) => RequestHandler;
    isMulterError: (e: unknown) => e is MulterError;
  }>;
  private readonly handlers = new Map<string, RequestHandler>();

  constructor(
    @Inject(WECOM_RESOLVED_OPTIONS) private readonly options: ResolvedWecomMediaOptions,
    temp: TempDirectory,
    @Inject(WECOM_MESSAGES) private readonly messages: Messages,
  ) {
    this.storage = new SpoolStorage(temp);
  }

  /**
   * Spools the file(s) of `fieldName` and sets `req.file` (or `req.files`, see `count`);
   * rejects with an HTTP exception, every file spooled so far removed.
   */
  async receive(
    req: Request,
    res: Response,
    fieldName: string,
    settings: ReceiveSettings,
  ): Promise<void> {
    const { receiveTimeoutMs, forFit, count } = settings;
    const multer = await this.loadMulter();
    // The query, in the URL, is known before the body: only what it says is an image may be
    // larger than the rules' size, as much as fitting takes (fit.maxInputBytes). A handler that
    // fits per call says so (forFit), whatever the module's option; but a video, a file, or a
    // query that names no media type is cut off at the rules' size, early, with 413 — never judged
    // by the part's Content-Type, which is the client's word.
    const { rules, fit } = this.options;
    const fitting = forFit ? fit || defaultFit() : fit || undefined;
    const mediaType = req.query.media_type ?? settings.mediaType;
    const maxBytes = receiveLimit(rules, mediaType, fitting?.maxInputBytes);
    const key = `${maxBytes} ${count.max} ${count.list} ${fieldName}`;
    let handler = this.handlers.get(key);
    if (!handler) {
      handler = multer.create(fieldName, maxBytes, count);
      this.handlers.set(key, handler);
    }
    const receive = handler;
    await new Promise<void>((resolve, reject) => {
      // The timeout and multer may finish at once: the first to settle answers, alone.
      let settled = false;
      // A client that trickles its body would hold a socket and a temp file for ever: remove what
      // was spooled, answer 408, then drop the connection.
      const timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        void this.storage.abort(req).finally(() => {
          if (!res.headersSent) res.setHeader('Connection', 'close');
          res.once('finish', () => req.destroy());
          reject(tooSlow(receiveTimeoutMs, this.messages.receiveTimeout(receiveTimeoutMs)));
        });
      }, receiveTimeoutMs);
      receive(req, res, (error?: unknown) => {
        clearTimeout(timer);
        if (settled) return;
        settled = true;
        if (!error) return resolve();
        // multer answers a broken body at once; a file it was still writing is removed just after.
        reject(this.toHttpError(error, fieldName, maxBytes, count, multer.isMulterError));
      });
    });
  }

  private loadMulter(): NonNullable<UploadReceiver['multer']> {
    this.multer ??= import('multer').then(({ default: multer }) => ({
      create: (fieldName: string, maxBytes: number, count: ReceiveSettings['count']) => {
        const receiver = (multer as unknown as (options: Parameters<typeof multer>[0]) => Multer)({
          storage: this.storage,
          limits: { ...limitsFor(count), fileSize: maxBytes },
          // Browsers send the filename as raw UTF-8; multer's default would read it as latin1.
          defParamCharset: 'utf8',
        });
        return count.list ? receiver.array(fieldName, count.max) : receiver.single(fieldName);
      },
      isMulterError: (e: unknown): e is MulterError => e instanceof multer.MulterError,
    }));
    return this.multer;
  }

  private toHttpError(
    error: unknown,
    fieldName: string,
    maxBytes: number,
    count: ReceiveSettings['count'],
    isMulterError: (e: unknown) => e is MulterError,
  ): Error {
    const m = this.messages;
    const limits = limitsFor(count);
    if (!isMulterError(error)) {
      const detail = error instanceof Error ? error.message : String(error);
      const message = m.bodyUnreadable(detail);
      return badUpload(message, [{ rule: 'multipart-malformed', message }]);
    }
    if (error.code === 'LIMIT_FILE_SIZE') {
      const message = m.fileTooLarge(maxBytes);
      return tooLarge(message, {
        rule: 'max-size',
        message,
        limit: maxBytes,
        actual: `>${maxBytes}`,
      });
    }
    if (error.code === 'LIMIT_FIELD_VALUE') {
      const message = m.fieldTooLarge(limits.fieldSize);
      return tooLarge(message, {
        rule: 'multipart-field-size',
        message,
        limit: limits.fieldSize,
        actual: `>${limits.fieldSize}`,
      });
    }
    // Several files: one more than maxCount in the field, or past the body's file count.
    const extraFile =
      error.code === 'LIMIT_FILE_COUNT' ||
      (error.code === 'LIMIT_UNEXPECTED_FILE' && error.field === fieldName);
    if (count.list && extraFile) {
      const message = m.atMostFilesIn(fieldName, count.max);
      return badUpload(message, [
        { rule: 'file-count', message, limit: count.max, actual: `>${count.max}` },
      ]);
    }
    // One rule name for each of multer's refusals.
    const refusals: Partial<Record<MulterError['code'], [RuleName, string]>> = {
      LIMIT_UNEXPECTED_FILE: [
        'file-unexpected',
        count.list ? m.sendFileIn(fieldName) : m.oneFileIn(fieldName),
      ],
      LIMIT_FILE_COUNT: ['file-count', m.oneFile()],
      LIMIT_PART_COUNT: ['multipart-parts', m.tooManyParts(limits.parts)],
      LIMIT_FIELD_COUNT: ['multipart-fields', m.tooManyFields(limits.fields)],
      LIMIT_FIELD_KEY: ['multipart-field-name', m.fieldNameTooLong()],
      MISSING_FIELD_NAME: ['multipart-field-name', m.fieldNameMissing()],
    };
    const [rule, message] = refusals[error.code] ?? [
      'multipart-malformed',
      m.bodyUnreadable(error.message),
    ];
    // A file in a field of its own: name that field, so that the client sees what it sent.
    const stray =
      error.code === 'LIMIT_UNEXPECTED_FILE' && error.field ? { actual: error.field } : {};
    return badUpload(message, [{ rule, message, ...stray }]);
  }
}
