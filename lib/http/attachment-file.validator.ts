import { tmpdir } from 'node:os';
import { FileValidator } from '@nestjs/common';
import type { AttachmentType } from '../attachment-type.enum.js';
import type { MediaType } from '../media-type.enum.js';
import { sanitizeFilename } from '../client/multipart-body.js';
import { inspectMedia } from '../media/inspect-media.js';
import { messagesFor, type Messages } from '../messages/index.js';
import { WECOM_MEDIA_OPTIONS } from '../options/option-table.js';
import type { AttachmentRulesOverride } from '../options/wecom-media-options.js';
import { resolveRules } from '../rules/attachment-rules.js';
import type { AttachmentRules } from '../rules/attachment-rules.interface.js';
import { checkAttachment, checkAttachmentAsItsBytes } from '../rules/check-attachment.js';
import type { Violation } from '../rules/violation.interface.js';
import type { UploadedFileLike } from '../source/attachment-source.js';
import { resolveSource } from '../source/attachment-source.js';
import { TempDirectory } from '../source/temp-directory.js';

/**
 * Settings of an {@link AttachmentFileValidator}.
 *
 * @publicApi
 */
export interface AttachmentFileValidatorOptions {
  /** Check as this media type. @default the type the bytes show (JPEG/PNG image, MP4 video, else file) */
  mediaType?: MediaType;
  /** Check as this attachment type, with its own rules. @default only the rules every upload shares */
  attachmentType?: AttachmentType;
  /** The rule table (inject `WECOM_ATTACHMENT_RULES` for the module's), or overrides of the doc's. @default the doc's limits */
  rules?: AttachmentRules | AttachmentRulesOverride;
  /** The language of the messages. @default 'en' */
  locale?: 'en' | 'zh-CN';
}

/**
 * A multer file as `ParseFilePipe` hands it over, in memory or on disk.
 *
 * @publicApi
 */
export type MulterFileLike = UploadedFileLike & { mimetype: string; size: number };

/**
 * A `FileValidator` for `ParseFilePipe` that applies the upload rules to a multer file held in
 * memory or on disk, reading the bytes rather than trusting the name or the mimetype.
 *
 * @example
 * `@UploadedFile(new ParseFilePipe({ validators: [new AttachmentFileValidator({ attachmentType: AttachmentType.ProductAlbum })] }))`
 *
 * @publicApi
 */
export class AttachmentFileValidator extends FileValidator<
  AttachmentFileValidatorOptions,
  MulterFileLike
> {
  private readonly rules: AttachmentRules;
  private readonly messages: Messages;
  private readonly verdicts = new WeakMap<object, Violation[]>();
  // Needed by the checks' signature, never written to: a multer file is read where it lies.
  private readonly temp = new TempDirectory(tmpdir());

  constructor(options: AttachmentFileValidatorOptions = {}) {
    super(options);
    const { rules, locale } = options;
    // A typo ('zh-cn') would answer in English without a word: refuse it here, as the module does.
    const locales = WECOM_MEDIA_OPTIONS.fields.locale;
    const [problem] = locales.problems(locale, 'locale');
    if (problem) throw new TypeError(`AttachmentFileValidator: ${problem}`);
    this.messages = messagesFor(locales.resolve(locale));
    this.rules = rules && isFullRules(rules) ? rules : resolveRules(rules);
  }

  /** True when `file` is one file that breaks no rule; the verdict is kept for the message. */
  async isValid(
    file?: MulterFileLike | MulterFileLike[] | Record<string, MulterFileLike[]>,
  ): Promise<boolean> {
    if (!file || Array.isArray(file) || !('originalname' in file)) return false;
    const violations = await this.check(file as MulterFileLike);
    this.verdicts.set(file, violations);
    return violations.length === 0;
  }

  /** Every rule `file` broke, in the validator's locale (ParseFilePipe answers it with 400). */
  buildErrorMessage(file: unknown): string {
    const violations =
      typeof file === 'object' && file !== null ? this.verdicts.get(file) : undefined;
    if (!violations) return this.messages.oneFile();
    return this.messages.list(violations.map((v) => v.message));
  }

  /** Every rule `file` breaks, read from its bytes where it lies. */
  async check(file: UploadedFileLike): Promise<Violation[]> {
    const { mediaType, attachmentType } = this.validationOptions;
    const source = await resolveSource({ file }, { temp: this.temp, spoolLimit: 0 });
    try {
      const media = await inspectMedia(source.reader);
      const { size, sizeExceeded } = source;
      const facts = {
        attachmentType,
        size,
        sizeExceeded,
        filename: sanitizeFilename(source.filename),
        media,
      };
      return mediaType === undefined
        ? checkAttachmentAsItsBytes(facts, this.rules, this.messages)
        : checkAttachment({ ...facts, mediaType }, this.rules, this.messages);
    } finally {
      await source.dispose();
    }
  }
}

function isFullRules(rules: AttachmentRules | AttachmentRulesOverride): rules is AttachmentRules {
  const r = rules as Partial<AttachmentRules>;
  return (
    r.mediaTypes?.image?.formats !== undefined &&
    r.mediaTypes.video !== undefined &&
    r.mediaTypes.file !== undefined &&
    r.attachmentTypes !== undefined &&
    r.momentImage !== undefined &&
    r.momentVideo !== undefined &&
    r.minBytesExclusive !== undefined &&
    r.maxFilenameBytes !== undefined
  );
}
