import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { AttachmentService } from '../attachment.service.js';
import { AttachmentType } from '../attachment-type.enum.js';
import { InFlight } from '../client/abort.js';
import {
  addProductAlbum,
  deleteProductAlbum,
  getProductAlbum,
  getProductAlbumList,
  updateProductAlbum,
  type AlbumBody,
} from '../client/product-album.js';
import { WecomHttpClient } from '../client/wecom-http.client.js';
import type { CorpCall } from '../client/wecom-request.js';
import { MediaType } from '../media-type.enum.js';
import type { Messages } from '../messages/index.js';
import type { ResolvedWecomMediaOptions } from '../options/resolve-options.js';
import { checkAlbum } from '../rules/publish-rules.js';
import type { AccessTokenProvider } from '../token/access-token-provider.interface.js';
import {
  LOGGER_CONTEXT,
  WECOM_ACCESS_TOKEN_PROVIDER,
  WECOM_MESSAGES,
  WECOM_RESOLVED_OPTIONS,
} from '../wecom-media.constants.js';
import { corpCall, judgeFiles, ruleError, type PublishFile } from './publish-files.js';
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

  /** @internal Nest injects these; apps get the service from the module. */
  constructor(
    private readonly attachments: AttachmentService,
    private readonly client: WecomHttpClient,
    @Inject(WECOM_ACCESS_TOKEN_PROVIDER) private readonly tokens: AccessTokenProvider,
    @Inject(WECOM_RESOLVED_OPTIONS) private readonly options: ResolvedWecomMediaOptions,
    @Inject(WECOM_MESSAGES) private readonly messages: Messages,
  ) {}

  /**
   * Creates an album: its photos uploaded, then add_product_album.
   * @throws AttachmentRuleError listing every rule the album or its photos break; nothing sent.
   */
  create(input: CreateProductAlbumInput): Promise<CreatedProductAlbum> {
    const attributes = { 'wecom.corp_id': input.corpId ?? this.options.corpId ?? '' };
    return traced(
      'wecom.create_product_album',
      attributes,
      () => this.createNow(input),
      'internal',
    );
  }

  private createNow(input: CreateProductAlbumInput): Promise<CreatedProductAlbum> {
    return this.inFlight.run(input.signal, async (signal) => {
      const given = { ...input, signal };
      const call = this.call(given);
      const { description, priceFen, productSn, images } = input;
      const draft = { description, priceFen, productSn, images: images.length };
      const { mediaIds, attachments } = await this.uploaded(draft, images, given);
      const productId = await addProductAlbum(this.client, call, {
        description,
        price: priceFen,
        ...(productSn === undefined ? {} : { product_sn: productSn }),
        attachments: imagesOf(mediaIds),
      });
      return { productId, attachments };
    });
  }

  /** One album (get_product_album). Its `mediaIds` are WeCom's download ids, not media_ids to reuse. */
  async get(productId: string, options: CorpOptions = {}): Promise<ProductAlbum> {
    return getProductAlbum(this.client, this.call(options), productId);
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
    return this.pages(this.call(options), limit, options.cursor);
  }

  private async *pages(
    call: CorpCall,
    limit: number,
    from: string | undefined,
  ): AsyncIterableIterator<ProductAlbum> {
    let cursor = from;
    do {
      const page = await getProductAlbumList(this.client, call, {
        limit,
        ...(cursor ? { cursor } : {}),
      });
      yield* page.albums;
      cursor = page.nextCursor;
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
      const call = this.call(given);
      const { description, priceFen, productSn, images } = changes;
      const draft = { description, priceFen, productSn, images: images?.length };
      const { mediaIds } = await this.uploaded(draft, images ?? [], given, true);
      const body: AlbumBody = {
        ...(description === undefined ? {} : { description }),
        ...(priceFen === undefined ? {} : { price: priceFen }),
        ...(productSn === undefined ? {} : { product_sn: productSn }),
        ...(images === undefined ? {} : { attachments: imagesOf(mediaIds) }),
      };
      await updateProductAlbum(this.client, call, productId, body);
    });
  }

  /** Deletes an album (delete_product_album). */
  async delete(productId: string, options: CorpOptions = {}): Promise<void> {
    await deleteProductAlbum(this.client, this.call(options), productId);
  }

  /** Lets creations under way finish, for at most `shutdownTimeoutMs`, then aborts the rest. */
  onModuleDestroy(): Promise<void> {
    return this.inFlight.drain(this.options.shutdownTimeoutMs, this.logger, 'album call(s)');
  }

  /** The album's rules and its photos' judged first; then the photos uploaded side by side. */
  private async uploaded(
    draft: Parameters<typeof checkAlbum>[0],
    images: readonly PublishSource[],
    options: PublishOptions,
    partial = false,
  ): ReturnType<Awaited<ReturnType<typeof judgeFiles>>['upload']> {
    const violations = checkAlbum(draft, this.options.rules.album, this.messages, partial);
    const files: PublishFile[] = images.map((source, at) => ({
      source,
      label: `images[${at}]`,
      mediaType: MediaType.Image,
      attachmentType: AttachmentType.ProductAlbum,
      bareName: `image-${at + 1}`,
    }));
    const judged = await judgeFiles(this.attachments, files, options);
    violations.push(...judged.violations);
    if (violations.length > 0) {
      await judged.dispose();
      throw ruleError(violations, this.messages);
    }
    return judged.upload();
  }

  private call(given: CorpOptions): CorpCall {
    return corpCall(given, this.options, this.tokens, this.messages);
  }
}

/** The album's attachments, as WeCom takes them. */
const imagesOf = (mediaIds: readonly string[]): NonNullable<AlbumBody['attachments']> =>
  mediaIds.map((id) => ({ type: 'image', image: { media_id: id } }));
