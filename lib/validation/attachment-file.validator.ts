import { FileValidator } from '@nestjs/common';
import type { AttachmentType } from '../enums/attachment-type.enum.js';
import { MediaType } from '../enums/media-type.enum.js';
import type { UploadedFileLike } from '../interfaces/attachment-input.interface.js';
import type { Violation } from '../interfaces/violation.interface.js';
import { FORMAT_LABELS, type MediaFormat } from '../media/media-format.js';
import {
  checkAttachment,
  resolveRules,
  type AttachmentRules,
  type AttachmentRulesOverride,
} from '../media/media-rules.js';
import { prepareAttachment } from '../source/prepare-attachment.js';
import { TempDirectory } from '../source/temp-directory.js';

/** Settings of an {@link AttachmentFileValidator}. */
export interface AttachmentFileValidatorOptions {
  /** Check as this media type; default: the type the bytes show (PNG/JPEG image, MP4 video, else file). */
  mediaType?: MediaType;
  /** Check as this attachment type, with its own rules; default: only the rules every upload shares. */
  attachmentType?: AttachmentType;
  /** The rule table, or overrides of the default one. */
  rules?: AttachmentRules | AttachmentRulesOverride;
}

/** A multer file as `ParseFilePipe` hands it over. */
export type ValidatedFile = UploadedFileLike & { mimetype: string; size: number };

const MEDIA_TYPE_OF: Partial<Record<MediaFormat, MediaType>> = {
  png: MediaType.Image,
  jpeg: MediaType.Image,
  mp4: MediaType.Video,
};

/**
 * A `FileValidator` for `ParseFilePipe` that applies the upload rules to a multer file held in
 * memory or on disk, reading the bytes rather than trusting the name or the mimetype.
 *
 * @example
 * @UploadedFile(new ParseFilePipe({ validators: [new AttachmentFileValidator({ attachmentType: AttachmentType.ProductAlbum })] }))
 */
export class AttachmentFileValidator extends FileValidator<
  AttachmentFileValidatorOptions,
  ValidatedFile
> {
  private readonly rules: AttachmentRules;
  private readonly verdicts = new WeakMap<object, Violation[]>();
  private readonly temp = new TempDirectory();

  constructor(options: AttachmentFileValidatorOptions = {}) {
    super(options);
    const { rules } = options;
    this.rules = rules && isFullRules(rules) ? rules : resolveRules(rules);
  }

  async isValid(
    file?: ValidatedFile | ValidatedFile[] | Record<string, ValidatedFile[]>,
  ): Promise<boolean> {
    if (!file || Array.isArray(file) || !('originalname' in file)) return false;
    const violations = await this.check(file as ValidatedFile);
    this.verdicts.set(file, violations);
    return violations.length === 0;
  }

  buildErrorMessage(file: unknown): string {
    const violations =
      typeof file === 'object' && file !== null ? this.verdicts.get(file) : undefined;
    if (!violations) return 'expected one file in the multipart field';
    return violations.map((v) => v.message).join('; ');
  }

  /** Every rule `file` breaks. */
  async check(file: UploadedFileLike): Promise<Violation[]> {
    const { mediaType, attachmentType } = this.validationOptions;
    const prepared = await prepareAttachment(
      { file, mediaType: mediaType ?? MediaType.File, attachmentType },
      this.rules,
      this.temp,
    );
    await prepared.source.dispose();
    if (mediaType) return prepared.violations;
    // Without a declared media type, check the file as what its bytes say it is.
    const { source, media, filename } = prepared;
    const inferred = MEDIA_TYPE_OF[media.format] ?? MediaType.File;
    const accepted = acceptedBy(this.rules, attachmentType);
    if (!accepted.includes(inferred)) {
      const formats = accepted.flatMap((type) =>
        this.rules.mediaTypes[type].formats.map((f) => FORMAT_LABELS[f]),
      );
      return [
        {
          rule: 'format',
          message: `attachments must be ${formats.join(', ')}; the bytes are ${FORMAT_LABELS[media.format]}`,
          limit: formats.join(', '),
          actual: FORMAT_LABELS[media.format],
        },
      ];
    }
    return checkAttachment(
      {
        mediaType: inferred,
        attachmentType,
        size: source.size,
        sizeExceeded: source.sizeExceeded,
        filename,
        media,
      },
      this.rules,
    );
  }
}

/** The media types an attachment type takes, or any attachment type when it is not fixed. */
function acceptedBy(
  rules: AttachmentRules,
  attachmentType: AttachmentType | undefined,
): MediaType[] {
  const lists =
    attachmentType === undefined
      ? Object.values(rules.attachmentTypes)
      : [rules.attachmentTypes[attachmentType]];
  return [...new Set(lists.flat())];
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
