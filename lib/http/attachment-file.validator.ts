import { tmpdir } from 'node:os';
import { FileValidator } from '@nestjs/common';
import type { AttachmentType } from '../rules/attachment-type.enum.js';
import type { MediaType } from '../rules/media-type.enum.js';
import type { UploadedFileLike } from '../attachment-input.interface.js';
import type {
  AttachmentRules,
  AttachmentRulesOverride,
} from '../rules/attachment-rules.interface.js';
import type { Violation } from '../rules/violation.interface.js';
import { OPTION_DEFAULTS } from '../options/resolve-options.js';
import { resolveRules } from '../rules/attachment-rules.js';
import { LOCALES, messagesFor } from '../messages/index.js';
import { AS_ITS_BYTES, prepareAttachment } from '../source/prepare-attachment.js';
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
  private readonly verdicts = new WeakMap<object, Violation[]>();
  // Needed by the checks' signature, never written to: a multer file is read where it lies.
  private readonly temp = new TempDirectory(tmpdir());

  constructor(options: AttachmentFileValidatorOptions = {}) {
    super(options);
    const { rules, locale } = options;
    // A typo ('zh-cn') would answer in English without a word: refuse it here, as the module does.
    if (locale !== undefined && !(LOCALES as readonly unknown[]).includes(locale)) {
      throw new TypeError(
        `AttachmentFileValidator: locale must be 'en' or 'zh-CN'; got ${JSON.stringify(locale)}`,
      );
    }
    this.rules = rules && isFullRules(rules) ? rules : resolveRules(rules);
  }

  async isValid(
    file?: MulterFileLike | MulterFileLike[] | Record<string, MulterFileLike[]>,
  ): Promise<boolean> {
    if (!file || Array.isArray(file) || !('originalname' in file)) return false;
    const violations = await this.check(file as MulterFileLike);
    this.verdicts.set(file, violations);
    return violations.length === 0;
  }

  buildErrorMessage(file: unknown): string {
    const violations =
      typeof file === 'object' && file !== null ? this.verdicts.get(file) : undefined;
    const messages = messagesFor(this.validationOptions.locale ?? OPTION_DEFAULTS.locale);
    if (!violations) return messages.oneFile();
    return messages.list(violations.map((v) => v.message));
  }

  /** Every rule `file` breaks. */
  async check(file: UploadedFileLike): Promise<Violation[]> {
    const { mediaType, attachmentType } = this.validationOptions;
    const prepared = await prepareAttachment(
      { file, mediaType: mediaType ?? AS_ITS_BYTES, attachmentType },
      this.rules,
      this.temp,
      messagesFor(this.validationOptions.locale ?? OPTION_DEFAULTS.locale),
    );
    await prepared.source.dispose();
    return prepared.violations;
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
