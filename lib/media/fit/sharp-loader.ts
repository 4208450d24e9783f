import type Sharp from 'sharp';
import type { MediaFormat } from '../media-format.js';
import { CONVERTIBLE } from './fit-plan.js';

/** The sharp module, as `import('sharp')` gives it. */
export type SharpModule = typeof Sharp;

/**
 * Why fit cannot run: sharp, an optional peer dependency, is not installed (`npm i sharp`).
 * Thrown at start-up when the module's `fit` is on, and by every call that asks for `fit`.
 *
 * @publicApi
 */
export class SharpMissingError extends Error {
  /** The class's name, for logs and `instanceof`-free checks: `'SharpMissingError'`. */
  override readonly name = 'SharpMissingError';

  constructor(cause: unknown) {
    super('fit needs sharp, an optional peer dependency of nestjs-wecom-media: npm i sharp', {
      cause,
    });
  }
}

/** Loads sharp on first use: an app that never fits an image never loads it. */
export async function loadSharp(): Promise<SharpModule> {
  try {
    return (await import('sharp')).default;
  } catch (error) {
    throw new SharpMissingError(error);
  }
}

/** Whether the installed sharp reads `format` (prebuilt sharp reads no HEIC: HEVC is patented). */
export function decodable(sharp: SharpModule, format: MediaFormat): boolean {
  if (!CONVERTIBLE.has(format)) return false;
  if (format === 'heic') return heicDecodable(sharp);
  const key = format === 'avif' ? 'heif' : format;
  const formats = sharp.format as unknown as Record<string, { input?: { buffer?: boolean } }>;
  return formats[key]?.input?.buffer === true;
}

/** libvips reads HEIC only when built with an HEVC decoder, which prebuilt sharp is not. */
function heicDecodable(sharp: SharpModule): boolean {
  const versions = sharp.versions as Record<string, string | undefined>;
  return versions.heif !== undefined && versions.de265 !== undefined;
}
