import { WecomProtocolError } from '../errors/wecom-transport.error.js';
import type { WecomHttpClient, WecomResponseBase } from './wecom-http.client.js';
import { jsonBody, spanName, type CorpCall } from './wecom-request.js';
import { traced } from '../operations/telemetry/wecom-telemetry.js';

// 商品图册 (developer.work.weixin.qq.com/document/path/95096 and the pages beside it).
export const ADD_PRODUCT_ALBUM = '/cgi-bin/externalcontact/add_product_album';
export const GET_PRODUCT_ALBUM = '/cgi-bin/externalcontact/get_product_album';
export const GET_PRODUCT_ALBUM_LIST = '/cgi-bin/externalcontact/get_product_album_list';
export const UPDATE_PRODUCT_ALBUM = '/cgi-bin/externalcontact/update_product_album';
export const DELETE_PRODUCT_ALBUM = '/cgi-bin/externalcontact/delete_product_album';

/** An album's fields as WeCom takes them: flat, never wrapped in `product`. */
export interface AlbumBody {
  description?: string;
  /** In fen. */
  price?: number;
  product_sn?: string;
  attachments?: Array<{ type: 'image'; image: { media_id: string } }>;
}

/** An album as WeCom answers it. */
export interface AlbumRecord {
  productId: string;
  description: string;
  priceFen: number;
  productSn?: string;
  /** When WeCom gives create_time. */
  createdAt?: Date;
  /** WeCom's download ids of the images. */
  mediaIds: string[];
}

/** Creates an album; resolves with its product_id. */
export async function addProductAlbum(
  client: WecomHttpClient,
  call: CorpCall,
  body: AlbumBody,
): Promise<string> {
  const answer = await post<{ product_id?: unknown }>(client, call, ADD_PRODUCT_ALBUM, body, true);
  if (typeof answer.product_id !== 'string' || answer.product_id === '') {
    throw new WecomProtocolError(ADD_PRODUCT_ALBUM, 200, 'a success answer without product_id');
  }
  return answer.product_id;
}

/** One album (the answer is the one wrapped in `product`). */
export async function getProductAlbum(
  client: WecomHttpClient,
  call: CorpCall,
  productId: string,
): Promise<AlbumRecord> {
  const answer = await post<{ product?: unknown }>(client, call, GET_PRODUCT_ALBUM, {
    product_id: productId,
  });
  return albumOf(answer.product, GET_PRODUCT_ALBUM);
}

/** One page of albums, and the cursor of the next ('' or none on the last). */
export async function getProductAlbumList(
  client: WecomHttpClient,
  call: CorpCall,
  page: { limit: number; cursor?: string },
): Promise<{ albums: AlbumRecord[]; nextCursor: string | undefined }> {
  const answer = await post<{ product_list?: unknown; next_cursor?: unknown }>(
    client,
    call,
    GET_PRODUCT_ALBUM_LIST,
    { limit: page.limit, ...(page.cursor ? { cursor: page.cursor } : {}) },
  );
  if (!Array.isArray(answer.product_list)) {
    throw new WecomProtocolError(
      GET_PRODUCT_ALBUM_LIST,
      200,
      'a success answer without product_list',
    );
  }
  const next =
    typeof answer.next_cursor === 'string' && answer.next_cursor !== ''
      ? answer.next_cursor
      : undefined;

  return {
    albums: answer.product_list.map((p) => albumOf(p, GET_PRODUCT_ALBUM_LIST)),
    nextCursor: next,
  };
}

/** Changes the fields given; the images, when given, replace the whole list. */
export async function updateProductAlbum(
  client: WecomHttpClient,
  call: CorpCall,
  productId: string,
  changes: AlbumBody,
): Promise<void> {
  await post(client, call, UPDATE_PRODUCT_ALBUM, { product_id: productId, ...changes });
}

/** Deletes an album. */
export async function deleteProductAlbum(
  client: WecomHttpClient,
  call: CorpCall,
  productId: string,
): Promise<void> {
  await post(client, call, DELETE_PRODUCT_ALBUM, { product_id: productId });
}

/** A POST of `body`; `once` for a call that creates (see WecomRequest.once). */
function post<T>(
  client: WecomHttpClient,
  call: CorpCall,
  api: string,
  body: object,
  once = false,
): Promise<WecomResponseBase & T> {
  return traced(spanName(api), { 'wecom.corp_id': call.corpId }, () =>
    client.request<WecomResponseBase & T>({
      api,
      method: 'POST',
      query: {},
      ...call,
      body: jsonBody(body),
      ...(once ? { once } : {}),
    }),
  );
}

/** An album of an answer, or why it is none. */
function albumOf(raw: unknown, api: string): AlbumRecord {
  const p = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  if (
    typeof p.product_id !== 'string' ||
    p.product_id === '' ||
    !Number.isSafeInteger(p.price) ||
    (p.price as number) < 0
  ) {
    throw new WecomProtocolError(api, 200, 'an album without product_id or a whole price');
  }
  const createTime = Number(p.create_time);
  const createdAt = new Date(createTime * 1000);
  const attachments = Array.isArray(p.attachments) ? (p.attachments as unknown[]) : [];
  return {
    productId: p.product_id,
    description: typeof p.description === 'string' ? p.description : '',
    priceFen: p.price as number,
    ...(typeof p.product_sn === 'string' && p.product_sn !== '' ? { productSn: p.product_sn } : {}),
    // A create_time WeCom garbles (past what a Date holds) is left out, not an Invalid Date.
    ...(Number.isInteger(createTime) && createTime > 0 && Number.isFinite(createdAt.getTime())
      ? { createdAt }
      : {}),
    mediaIds: attachments
      .map((a) => (a as { image?: { media_id?: unknown } } | null)?.image?.media_id)
      .filter((id): id is string => typeof id === 'string'),
  };
}
