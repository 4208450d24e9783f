/**
 * The base of every error this module throws, so that one `instanceof` catches them all.
 *
 * @publicApi
 */
export class WecomError extends Error {
  /** The class's name, for logs and `instanceof`-free checks: `'WecomError'`. */
  override readonly name: string = 'WecomError';
}
