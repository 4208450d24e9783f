import { readFile } from 'node:fs/promises';
import { dirname, extname, isAbsolute, resolve } from 'node:path';
import type { QueuedAlbumInput } from '../queue/publish-queue.interfaces.js';

/** One album of a catalogue: its row (1-based, the CSV header is row 0), its key and input. */
export interface CatalogueRow {
  row: number;
  /** The row's `key`, else its product_sn; undefined when it has neither (a row error). */
  key: string | undefined;
  input: QueuedAlbumInput;
}

/** A catalogue that cannot be read at all: the CLI says why and exits 2. */
export class CatalogueError extends Error {
  override readonly name = 'CatalogueError';
}

/** Column names as a catalogue may spell them, and the field each is. */
const COLUMNS: Record<
  string,
  'key' | 'productSn' | 'description' | 'price' | 'priceFen' | 'images'
> = {
  key: 'key',
  productsn: 'productSn',
  product_sn: 'productSn',
  description: 'description',
  price: 'price',
  pricefen: 'priceFen',
  price_fen: 'priceFen',
  images: 'images',
};

/**
 * The albums of a catalogue: JSON (a list of rows, or `{ "albums": [...] }`) or CSV (a header
 * row; a UTF-8 BOM, quotes and Chinese text as spreadsheets write them). A row's `images` is a
 * list (JSON) or paths and URLs separated by `|` (CSV); relative paths are found in `imagesDir`
 * (the catalogue's folder by default). `price` is in yuan (`12.50`), `priceFen` in fen (`1250`).
 */
export async function readCatalogue(path: string, imagesDir?: string): Promise<CatalogueRow[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CatalogueError(
      `cannot read the catalogue ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  const records = extname(path).toLowerCase() === '.csv' ? await csvRows(text) : jsonRows(text);
  const base = imagesDir ?? dirname(resolve(path));
  return records.map((record, at) => rowOf(record, at + 1, base));
}

function jsonRows(text: string): Array<Record<string, unknown>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new CatalogueError(`the catalogue is not valid JSON: ${(error as Error).message}`);
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { albums?: unknown } | null)?.albums;
  if (!Array.isArray(list) || !list.every((r) => typeof r === 'object' && r !== null)) {
    throw new CatalogueError(
      'a JSON catalogue is a list of albums, or { "albums": [...] }, each an object',
    );
  }
  return list as Array<Record<string, unknown>>;
}

async function csvRows(text: string): Promise<Array<Record<string, unknown>>> {
  const { parse } = await import('csv-parse/sync');
  try {
    return parse(text, {
      bom: true,
      columns: (header: string[]) =>
        header.map((name) => COLUMNS[name.trim().toLowerCase()] ?? name.trim()),
      skip_empty_lines: true,
      trim: true,
    });
  } catch (error) {
    throw new CatalogueError(`the CSV catalogue cannot be read: ${(error as Error).message}`);
  }
}

/** A record as an album: its fields as given, its price in fen, its images' paths resolved. */
function rowOf(record: Record<string, unknown>, row: number, base: string): CatalogueRow {
  const field = (name: string): unknown => record[name] ?? record[COLUMNS[name] ?? name];
  const productSn = text(field('productSn') ?? record.product_sn);
  const key = text(field('key')) ?? productSn;
  const images = imagesOf(field('images')).map((image) =>
    /^https?:\/\//i.test(image) ? new URL(image) : isAbsolute(image) ? image : resolve(base, image),
  );
  const input: QueuedAlbumInput = {
    key: key ?? '',
    description: (text(field('description')) ?? '') as string,
    priceFen: priceOf(field('priceFen') ?? record.price_fen, field('price')) as number,
    ...(productSn === undefined ? {} : { productSn }),
    images,
  };
  return { row, key, input };
}

const text = (v: unknown): string | undefined =>
  v === undefined || v === null || v === '' ? undefined : String(v);

function imagesOf(value: unknown): string[] {
  const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split('|') : [];
  return list.map((v) => String(v).trim()).filter((v) => v !== '');
}

/**
 * The price in fen: `priceFen` as a whole number, or `price` in yuan with at most two decimals,
 * converted exactly. Anything else is passed on as given (a string) for the album-price rule to
 * name it.
 */
function priceOf(fen: unknown, yuan: unknown): number | string {
  if (fen !== undefined && fen !== '') {
    return /^\d+$/.test(String(fen).trim()) ? Number(String(fen).trim()) : String(fen);
  }
  const given = String(yuan ?? '').trim();
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(given);
  if (!match) return given === '' ? 'none' : `${given} yuan`;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}
