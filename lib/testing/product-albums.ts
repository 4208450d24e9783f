import { randomBytes } from 'node:crypto';
import type { EmulatorAlbum, EmulatorAlbumAttachment } from './published.interface.js';

/** An album's fields as add_product_album and update_product_album take them. */
export interface AlbumFields {
  description: string;
  price: number;
  productSn: string;
  attachments: EmulatorAlbumAttachment[];
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Where a list cursor goes on: the corp that got it and the next album's place. */
interface Cursor {
  corpId: string;
  from: number;
}

/**
 * The product albums of every corp, oldest first, deleted ones kept (flagged) for tests, and the
 * cursors get_product_album_list handed out: opaque, bound to their corp.
 */
export class ProductAlbums {
  /** Every album, oldest first: the emulator's `albums`. */
  readonly list: EmulatorAlbum[] = [];
  private readonly albums: Array<Mutable<EmulatorAlbum>> = this.list;
  private readonly cursors = new Map<string, Cursor>();

  /** Creates an album for `corpId`; returns its product_id. */
  add(corpId: string, fields: AlbumFields): string {
    const productId = randomBytes(16).toString('base64url');
    this.albums.push({
      corpId,
      productId,
      ...fields,
      createTime: Math.floor(Date.now() / 1000),
      updates: 0,
      deleted: false,
    });
    return productId;
  }

  /** The live (not deleted) album `productId` of `corpId`. */
  find(corpId: string, productId: unknown): Mutable<EmulatorAlbum> | undefined {
    return this.albums.find((a) => a.productId === productId && a.corpId === corpId && !a.deleted);
  }

  /**
   * Up to `limit` live albums of `corpId` from `cursor` on (from the first without one), and the
   * cursor of the next page ('' when none is left); undefined for a cursor this corp never got.
   */
  page(
    corpId: string,
    limit: number,
    cursor: string | undefined,
  ): { albums: EmulatorAlbum[]; nextCursor: string } | undefined {
    let from = 0;
    if (cursor) {
      const saved = this.cursors.get(cursor);
      if (!saved || saved.corpId !== corpId) return undefined;
      from = saved.from;
    }
    const albums: EmulatorAlbum[] = [];
    let at = from;
    for (; at < this.albums.length && albums.length < limit; at++) {
      const album = this.albums[at];
      if (album && album.corpId === corpId && !album.deleted) albums.push(album);
    }
    const more = this.albums.slice(at).some((a) => a.corpId === corpId && !a.deleted);
    if (!more) return { albums, nextCursor: '' };
    const nextCursor = randomBytes(18).toString('base64url');
    this.cursors.set(nextCursor, { corpId, from: at });
    return { albums, nextCursor };
  }

  /** Forgets every album and cursor. */
  clear(): void {
    this.albums.length = 0;
    this.cursors.clear();
  }
}

/** An album as get_product_album and get_product_album_list answer it. */
export function productOf(album: EmulatorAlbum): Record<string, unknown> {
  return {
    product_id: album.productId,
    description: album.description,
    price: album.price,
    product_sn: album.productSn,
    attachments: album.attachments,
    create_time: album.createTime,
  };
}
