/**
 * The `attachment_type` of an upload: the scene the attachment is for.
 *
 * @publicApi
 */
export enum AttachmentType {
  /** 朋友圈: customer moments. Images and videos only. */
  Moment = 1,
  /** 商品图册: product album. Images only. */
  ProductAlbum = 2,
}

/** Every attachment type. */
export const ATTACHMENT_TYPES: readonly AttachmentType[] = [
  AttachmentType.Moment,
  AttachmentType.ProductAlbum,
];
