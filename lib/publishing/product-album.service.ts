import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { AttachmentType } from '../attachment-type.enum.js';
import { InFlight } from '../client/abort.js';
import {
  addProductAlbum,
  deleteProductAlbum,
  getProductAlbum,
  getProductAlbumList,
  GET_PRODUCT_ALBUM_LIST,
  updateProductAlbum,
  type AlbumBody,
} from '../client/product-album.js';
import type { CorpCall } from '../client/wecom-request.js';
import { WecomProtocolError } from '../errors/wecom-transport.error.js';
import { MediaType } from '../media-type.enum.js';
import { checkAlbum } from '../rules/publish-rules.js';
import { LOGGER_CONTEXT } from '../wecom-media.constants.js';
import { PublishingContext } from './publishing-context.js';
import {
  judgeAll,
  releaseSources,
  sendMarked,
  type JudgedFiles,
  type PublishFile,
  type SendMarks,
} from './publish-files.js';
import type {
  CreatedProductAlbum,
  CorpOptions,
  CreateProductAlbumInput,
  ProductAlbum,
  ProductAlbumListOptions,
  ProductAlbumChanges,
  PublishOptions,
  PublishSource,
} from './publishing.interfaces.js';
import { WecomLogger } from '../operations/telemetry/wecom-logger.js';
import { traced } from '../operations/telemetry/wecom-telemetry.js';

/**
 * Product albums (商品图册): creates an album from its photos in one call — every rule of the
 * album and of its photos checked before anything is sent, the photos uploaded side by side for
 * the product album (attachment_type 2), then add_product_album — and reads, lists, updates and
 * deletes albums.
 *
 * @publicApi
 */
@Injectable()
export class ProductAlbumService implements OnModuleDestroy {
  private readonly logger = new WecomLogger(LOGGER_CONTEXT);
  private readonly inFlight = new InFlight();

  /** @internal Nest injects it; apps get the service from the module. */
  constructor(private readonly context: PublishingContext) {}

  /**
   * Creates an album: its photos uploaded, then add_product_album.
   * @throws AttachmentRuleError listing every rule the album or its photos break; nothing sent.
   */
  create(input: CreateProductAlbumInput): Promise<CreatedProductAlbum> {
    return this.createMarked(input);
  }

  /** @internal `create`, its add_product_album between `marks` (a queued job's). */
  createMarked(input: CreateProductAlbumInput, marks?: SendMarks): Promise<CreatedProductAlbum> {
    const attributes = { 'wecom.corp_id': input.corpId ?? this.context.options.corpId ?? '' };
    return traced(
      'wecom.create_product_album',
      attributes,
      () => this.createNow(input, marks),
      'internal',
    );
  }

  private createNow(
    input: CreateProductAlbumInput,
    marks?: SendMarks,
  ): Promise<CreatedProductAlbum> {
    return this.inFlight.run(input.signal, async (signal) => {
      const given = { ...input, signal };
      const { description, priceFen, productSn } = input;
      // A caller without types may leave images out: the count rule says so, not a TypeError.
      const images = Array.isArray(input.images) ? input.images : [];
      const draft = { description, priceFen, productSn, images: images.length };
      const { call, uploaded } = await this.uploaded(draft, images, given);
      const { mediaIds, attachments } = uploaded;
      const productId = await sendMarked(marks, () =>
        addProductAlbum(this.context.client, call, {
          description,
          price: priceFen,
          ...(productSn === undefined ? {} : { product_sn: productSn }),
          attachments: imagesOf(mediaIds),
        }),
      );
      return { productId, attachments };
    });
  }

  /** One album (get_product_album). Its `mediaIds` are WeCom's download ids, not media_ids to reuse. */
  async get(productId: string, options: CorpOptions = {}): Promise<ProductAlbum> {
    return getProductAlbum(this.context.client, this.context.call(options), productId);
  }

  /**
   * Every album of the corp, page after page (get_product_album_list, following next_cursor).
   * @throws RangeError at once for a limit that is not a whole number from 1 to 100.
   */
  list(options: ProductAlbumListOptions = {}): AsyncIterableIterator<ProductAlbum> {
    const { limit = 50 } = options;
    // Thrown at the call, not at the first page: a wrong limit is the caller's bug.
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      throw new RangeError(`limit must be a whole number from 1 to 100; got ${String(limit)}`);
    }
    return this.pages(this.context.call(options), limit, options.cursor);
  }

  private async *pages(
    call: CorpCall,
    limit: number,
    from: string | undefined,
  ): AsyncIterableIterator<ProductAlbum> {
    let cursor = from;
    // A cursor WeCom hands back again would list the same pages for ever.
    const seen = new Set<string>(from ? [from] : []);
    do {
      const page = await getProductAlbumList(this.context.client, call, {
        limit,
        ...(cursor ? { cursor } : {}),
      });
      yield* page.albums;
      cursor = page.nextCursor;
      if (cursor !== undefined && seen.has(cursor)) {
        throw new WecomProtocolError(GET_PRODUCT_ALBUM_LIST, 200, 'a next_cursor seen before');
      }
      if (cursor !== undefined) seen.add(cursor);
    } while (cursor);
  }

  /**
   * Changes an album (update_product_album): the fields given; images, when given, are uploaded
   * and replace the whole list.
   * @throws AttachmentRuleError listing every rule the changes or their photos break; nothing sent.
   */
  update(
    productId: string,
    changes: ProductAlbumChanges,
    options: PublishOptions = {},
  ): Promise<void> {
    return this.inFlight.run(options.signal, async (signal) => {
      const given = { ...options, signal };
      const { description, priceFen, productSn, images } = changes;
      const draft = { description, priceFen, productSn, images: images?.length };
      const { call, uploaded } = await this.uploaded(draft, images ?? [], given, true);
      const { mediaIds } = uploaded;
      const body: AlbumBody = {
        ...(description === undefined ? {} : { description }),
        ...(priceFen === undefined ? {} : { price: priceFen }),
        ...(productSn === undefined ? {} : { product_sn: productSn }),
        ...(images === undefined ? {} : { attachments: imagesOf(mediaIds) }),
      };
      // Nothing to change: nothing to send.
      if (Object.keys(body).length === 0) return;
      await updateProductAlbum(this.context.client, call, productId, body);
    });
  }

  /** Deletes an album (delete_product_album). */
  async delete(productId: string, options: CorpOptions = {}): Promise<void> {
    await deleteProductAlbum(this.context.client, this.context.call(options), productId);
  }

  /** Lets creations under way finish, for at most `shutdownTimeoutMs`, then aborts the rest. */
  onModuleDestroy(): Promise<void> {
    return this.inFlight.drain(
      this.context.options.shutdownTimeoutMs,
      this.logger,
      'album call(s)',
    );
  }

  /**
   * The corp, the album's rules and its photos' judged first; then the photos uploaded side by
   * side. Resolves with the corp's call and the uploads.
   */
  private async uploaded(
    draft: Parameters<typeof checkAlbum>[0],
    images: readonly PublishSource[],
    options: PublishOptions,
    partial = false,
  ): Promise<{ call: CorpCall; uploaded: Awaited<ReturnType<JudgedFiles['upload']>> }> {
    const files: PublishFile[] = images.map((source, at) => ({
      source,
      label: `images[${at}]`,
      mediaType: MediaType.Image,
      attachmentType: AttachmentType.ProductAlbum,
      bareName: `image-${at + 1}`,
    }));
    let call: CorpCall;
    try {
      call = this.context.call(options);
    } catch (error) {
      releaseSources(files);
      throw error;
    }
    const violations = checkAlbum(
      draft,
      this.context.options.rules.album,
      this.context.messages,
      partial,
    );
    const judged = await judgeAll(
      this.context.attachments,
      files,
      options,
      violations,
      this.context.messages,
    );
    return { call, uploaded: await judged.upload() };
  }
}

/** The album's attachments, as WeCom takes them. */
const imagesOf = (mediaIds: readonly string[]): NonNullable<AlbumBody['attachments']> =>
  mediaIds.map((id) => ({ type: 'image', image: { media_id: id } }));
