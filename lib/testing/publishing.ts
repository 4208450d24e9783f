import type { AccessTokens } from './access-tokens.js';
import { jsonOf } from './json-body.js';
import { MediaRegistry } from './media-registry.js';
import { addMomentTask, cancelMomentTask, getMomentTaskResult } from './moment.handlers.js';
import { MomentTasks } from './moment-tasks.js';
import {
  addProductAlbum,
  deleteProductAlbum,
  getProductAlbum,
  getProductAlbumList,
  updateProductAlbum,
} from './product-album.handlers.js';
import { ProductAlbums } from './product-albums.js';
import type { WecomAnswer } from './wecom-answer.js';
import type { EmulatorApi, WecomEmulatorOptions } from './wecom-emulator-options.interface.js';

/** A publishing call with its body read. */
export interface PublishingCall {
  query: Record<string, string>;
  body: Buffer;
}

/**
 * What the publishing APIs (moments, product albums) work on — the media_ids upload_attachment
 * issued, the moment tasks, the albums — and the route from each API to its handler.
 */
export class Publishing {
  readonly media = new MediaRegistry();
  readonly moments: MomentTasks;
  readonly albums = new ProductAlbums();

  constructor(options: Pick<WecomEmulatorOptions, 'pollsPerMomentStep' | 'invalidTargets'>) {
    const polls = options.pollsPerMomentStep ?? 1;
    if (!Number.isInteger(polls) || polls < 0)
      throw new RangeError(`pollsPerMomentStep must be a whole number ≥ 0; got ${polls}`);
    this.moments = new MomentTasks(polls, options.invalidTargets ?? {});
  }

  /**
   * The answer to a call of a publishing `api`: the access_token (41001, 40014, 42001), then the
   * JSON body (47001 when it is not a JSON object; get_moment_task_result is a GET and has
   * none), then the API's own rules, for the corp the token was issued to.
   */
  answer(api: EmulatorApi, call: PublishingCall, tokens: AccessTokens): WecomAnswer {
    const token = call.query.access_token;
    const refusal = tokens.refusal(token);
    if (refusal !== undefined) return { errcode: refusal };
    const corpId = tokens.ownerOf(token) ?? '';
    if (api === 'get_moment_task_result')
      return getMomentTaskResult(call.query, corpId, this.moments);
    const json = jsonOf(call.body);
    if (!json) return { errcode: 47001 };
    const { media, moments, albums } = this;
    switch (api) {
      case 'add_moment_task':
        return addMomentTask(json, corpId, media, moments);
      case 'cancel_moment_task':
        return cancelMomentTask(json, corpId, moments);
      case 'add_product_album':
        return addProductAlbum(json, corpId, media, albums);
      case 'get_product_album':
        return getProductAlbum(json, corpId, albums);
      case 'get_product_album_list':
        return getProductAlbumList(json, corpId, albums);
      case 'update_product_album':
        return updateProductAlbum(json, corpId, media, albums);
      case 'delete_product_album':
        return deleteProductAlbum(json, corpId, albums);
      default:
        throw new Error(`${api} is no publishing API`);
    }
  }

  /** Forgets media_ids, moment tasks and their queued outcomes, albums and cursors. */
  clear(): void {
    this.media.clear();
    this.moments.clear();
    this.albums.clear();
  }
}
