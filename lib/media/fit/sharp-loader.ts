import type Sharp from 'sharp';

/** The sharp module, as `import('sharp')` gives it. */
export type SharpModule = typeof Sharp;

/**
 * Why fit cannot run: sharp, an optional peer dependency, is not installed (`npm i sharp`).
 * Thrown at start-up when the module's `fit` is on, and by every call that asks for `fit`.
 *
 * @publicApi
 */
export class SharpMissingError extends Error {
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
