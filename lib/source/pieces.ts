import { Readable } from 'node:stream';
import type { LocationCut } from '../media/location-cut.js';
import type { AttachmentSource } from './attachment-source.js';

/**
 * The bytes of `source` as `cut` says — its new bytes and ranges of the original, in order — as
 * one stream: the cleaned head, then the rest of the file from its offset, never a copy of it.
 */
export function piecesOf(source: AttachmentSource, cut: LocationCut): Readable {
  const pieces = cut.pieces;
  let next = 0;
  let current: Readable | undefined;
  const out = new Readable({
    read() {
      if (current) {
        current.resume();
        return;
      }
      const piece = pieces[next++];
      if (piece === undefined) {
        this.push(null);
        return;
      }
      const bytes = piece instanceof Uint8Array ? piece : source.slice(piece.start, piece.end);
      if (!(bytes instanceof Readable)) {
        this.push(bytes);
        return;
      }
      current = bytes;
      bytes.on('data', (chunk: Buffer) => {
        if (!out.push(chunk)) bytes.pause();
      });
      bytes.once('end', () => {
        current = undefined;
        out.read(0);
      });
      bytes.once('error', (error) => out.destroy(error));
    },
    destroy(error, callback) {
      current?.destroy();
      callback(error);
    },
  });
  return out;
}
