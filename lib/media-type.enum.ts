/**
 * The `media_type` of an upload, as WeCom names it.
 *
 * @publicApi
 */
export enum MediaType {
  Image = 'image',
  Video = 'video',
  File = 'file',
}

/** Every media type, in the order WeCom's doc lists them. */
export const MEDIA_TYPES: readonly MediaType[] = [MediaType.Image, MediaType.Video, MediaType.File];
