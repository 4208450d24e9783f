/**
 * The `media_type` of an upload, as WeCom names it.
 *
 * @publicApi
 */
export enum MediaType {
  /** JPEG or PNG, by default. */
  Image = 'image',
  /** MP4, by default. */
  Video = 'video',
  /** Any file. */
  File = 'file',
}

/** Every media type, in the order WeCom's doc lists them. */
export const MEDIA_TYPES: readonly MediaType[] = [MediaType.Image, MediaType.Video, MediaType.File];
