import { charsOf, isInteger, isString, objectOf, type JsonObject } from './json-body.js';
import type { MediaRegistry } from './media-registry.js';
import { productOf, type AlbumFields, type ProductAlbums } from './product-albums.js';
import type { EmulatorAlbum, EmulatorAlbumAttachment } from './published.interface.js';
import type { WecomAnswer } from './wecom-answer.js';
import { ALBUM_RULES } from './wecom-tables.js';

// The product album (https://developer.work.weixin.qq.com/document/path/95096). The page gives
// the limits but no errcode; the emulator answers the global errcode whose meaning fits
// (https://developer.work.weixin.qq.com/document/path/90313), an assumption each: 41033
// description missing, 40063 a required parameter empty (price, attachments, product_id), 40058
// invalid parameter (a value out of its limits, an unknown product_id), 41064 more than 9
// attachments, 41065 an attachment not of type image, 41006/40007 media_id missing/invalid,
// 50100 an invalid cursor.

/**
 * A body wrapped as `{ product: { … } }`, as one workflow tool sends it: WeCom reads no field
 * there, so the emulator answers invalid parameter with a hint rather than "description missing".
 */
const WRAPPED: WecomAnswer = {
  errcode: 40058,
  errmsg: 'invalid parameter, hint: the fields go at the top of the body, not inside "product"',
};

/** add_product_album: a flat `{ description, price, product_sn?, attachments }`. */
export function addProductAlbum(
  json: JsonObject,
  corpId: string,
  media: MediaRegistry,
  albums: ProductAlbums,
): WecomAnswer {
  if (json.product !== undefined) return WRAPPED;
  const fields = albumFieldsOf(json, corpId, media, false);
  if ('errcode' in fields) return fields;
  return { errcode: 0, product_id: albums.add(corpId, fields as AlbumFields) };
}

/** get_product_album: `{ product_id }` → `{ product: { … } }`. */
export function getProductAlbum(
  json: JsonObject,
  corpId: string,
  albums: ProductAlbums,
): WecomAnswer {
  const album = albumOf(json, corpId, albums);
  return 'errcode' in album ? album : { errcode: 0, product: productOf(album) };
}

/**
 * get_product_album_list: `{ limit?, cursor? }` → `{ next_cursor, product_list }`. A limit over
 * 100 takes the default of 50, as the page says; 0 is taken as unset (assumed).
 */
export function getProductAlbumList(
  json: JsonObject,
  corpId: string,
  albums: ProductAlbums,
): WecomAnswer {
  const { limit = 0, cursor } = json;
  if (!isInteger(limit) || limit < 0) return { errcode: 40058 };
  if (cursor !== undefined && !isString(cursor)) return { errcode: 50100 };
  const size = limit === 0 || limit > ALBUM_RULES.listMax ? ALBUM_RULES.listDefault : limit;
  const page = albums.page(corpId, size, cursor || undefined);
  if (!page) return { errcode: 50100 };
  return { errcode: 0, next_cursor: page.nextCursor, product_list: page.albums.map(productOf) };
}

/** update_product_album: `{ product_id, …the fields to change }`, each held to add's rules. */
export function updateProductAlbum(
  json: JsonObject,
  corpId: string,
  media: MediaRegistry,
  albums: ProductAlbums,
): WecomAnswer {
  if (json.product !== undefined) return WRAPPED;
  const album = albums.find(corpId, json.product_id);
  if (!album) return albumOf(json, corpId, albums) as WecomAnswer;
  const fields = albumFieldsOf(json, corpId, media, true);
  if ('errcode' in fields) return fields;
  Object.assign(album, fields);
  album.updates += 1;
  return { errcode: 0 };
}

/** delete_product_album: `{ product_id }`; a deleted album is answered as unknown from then on. */
export function deleteProductAlbum(
  json: JsonObject,
  corpId: string,
  albums: ProductAlbums,
): WecomAnswer {
  const album = albums.find(corpId, json.product_id);
  if (!album) return albumOf(json, corpId, albums) as WecomAnswer;
  album.deleted = true;
  return { errcode: 0 };
}

/** The live album the body's product_id names, or 40063 without one, 40058 for an unknown one. */
function albumOf(
  json: JsonObject,
  corpId: string,
  albums: ProductAlbums,
): EmulatorAlbum | WecomAnswer {
  if (json.product_id === undefined || json.product_id === '') return { errcode: 40063 };
  return albums.find(corpId, json.product_id) ?? { errcode: 40058 };
}

/** The fields the body sets (all required unless `partial`), or WeCom's refusal. */
function albumFieldsOf(
  json: JsonObject,
  corpId: string,
  media: MediaRegistry,
  partial: boolean,
): Partial<AlbumFields> | WecomAnswer {
  const { description, price, product_sn: sn, attachments } = json;
  const fields: Partial<AlbumFields> = {};
  if (!partial || description !== undefined) {
    if (!partial && (description === undefined || description === '')) return { errcode: 41033 };
    if (!isString(description) || description === '') return { errcode: 40058 };
    if (charsOf(description) > ALBUM_RULES.descriptionChars) return { errcode: 40058 };
    fields.description = description;
  }
  if (!partial || price !== undefined) {
    if (price === undefined) return { errcode: 40063 };
    if (!isInteger(price) || price < ALBUM_RULES.minPrice || price > ALBUM_RULES.maxPrice)
      return { errcode: 40058 };
    fields.price = price;
  }
  if (sn !== undefined && sn !== '') {
    if (!isString(sn) || !ALBUM_RULES.productSn.test(sn)) return { errcode: 40058 };
    fields.productSn = sn;
  } else if (!partial || sn === '') fields.productSn = '';
  if (!partial || attachments !== undefined) {
    const images = imagesOf(attachments, corpId, media);
    if ('errcode' in images) return images;
    fields.attachments = images;
  }
  return fields;
}

/** 1 to 9 images, each a media_id this corp uploaded for the product album (2). */
function imagesOf(
  value: unknown,
  corpId: string,
  media: MediaRegistry,
): EmulatorAlbumAttachment[] | WecomAnswer {
  if (value === undefined || (Array.isArray(value) && value.length === 0))
    return { errcode: 40063 };
  if (!Array.isArray(value)) return { errcode: 40058 };
  if (value.length > ALBUM_RULES.images) return { errcode: 41064 };
  const images: EmulatorAlbumAttachment[] = [];
  for (const item of value.map(objectOf)) {
    if (item?.type !== 'image') return { errcode: 41065 };
    const mediaId = objectOf(item.image)?.media_id;
    const refused = media.refusal(mediaId, corpId, { attachmentType: '2', mediaType: 'image' });
    if (refused !== undefined) return { errcode: refused };
    images.push({ type: 'image', image: { media_id: mediaId as string } });
  }
  return images;
}
