import type { FitOptions } from './options/wecom-media-options.js';
import type { AttachmentType } from './attachment-type.enum.js';
import type { MediaType } from './media-type.enum.js';
import type { AnonymousFileSource, NamedFileSource } from './source/attachment-source.js';

/**
 * What every {@link AttachmentInput} carries besides the file.
 *
 * @publicApi
 */
export interface AttachmentInputBase {
  /** `image`, `video` or `file`: the `media_type` sent to WeCom. */
  mediaType: MediaType | `${MediaType}`;
  /** 1 (moments) or 2 (product album): the `attachment_type` sent to WeCom. */
  attachmentType: AttachmentType;
  /**
   * The part's Content-Type when the bytes do not tell (media type `file`). For images and videos
   * the type read from the bytes wins.
   */
  contentType?: string;
  /** Aborts spooling, inspection and the upload. */
  signal?: AbortSignal;
  /**
   * The corp to upload for (service providers and 代开发 apps serve many): its token is used, and
   * the media_id is valid only there.
   * @default the module's `corpId`
   */
  corpId?: string;
  /**
   * Make an image that breaks a rule pass (resize, convert, re-encode) instead of refusing it;
   * overrides the module's `fit` option for this call. Needs `sharp`.
   * @default the module's `fit` option
   */
  fit?: boolean | FitOptions;
  /**
   * What of a photo's metadata goes to WeCom: `'strip-location'` removes its location and the
   * camera's serial number, losslessly; `'keep'` sends the bytes as given.
   * @default the module's `metadata` option ('strip-location')
   */
  metadata?: 'strip-location' | 'keep';
}

/**
 * What `AttachmentService.upload` and `check` take.
 *
 * @publicApi
 */
export type AttachmentInput = AttachmentInputBase &
  (
    | {
        file: AnonymousFileSource | NamedFileSource;
        /** The name users see in WeCom. Required for a Buffer or a stream. */
        filename: string;
      }
    | {
        file: NamedFileSource;
        /** The name users see in WeCom; defaults to the path's base name or multer's `originalname`. */
        filename?: string;
      }
  );
