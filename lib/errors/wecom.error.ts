/**
 * The base of every error this module throws, so that one `instanceof` catches them all.
 *
 * @publicApi
 */
export class WecomError extends Error {
  override readonly name: string = 'WecomError';
}
