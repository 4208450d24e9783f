import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ONE_BUFFER_BYTES } from '../../lib/client/multipart-body.js';
import { AttachmentType, MediaType } from '../../lib/index.js';
import { bootApp, emulatorSuite, type TestApp } from '../helpers/wecom-test-app.js';
import { makePng, padTo } from '../helpers/media-bytes.mjs';
import { scratchDir } from '../helpers/scratch-dir.js';

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const image = { mediaType: MediaType.Image, attachmentType: AttachmentType.ProductAlbum } as const;
const KiB = 1024;
const MiB = 1024 * KiB;
/** PNGs around each way a body is built: one Buffer, the file's buffer, streamed from disk. */
const SIZES = [
  1000,
  ONE_BUFFER_BYTES,
  ONE_BUFFER_BYTES + 1,
  256 * KiB + 1,
  MiB,
  MiB + 1,
  3 * MiB + 123,
];
const pngs = new Map(SIZES.map((size) => [size, padTo(makePng(800, 600), size)]));
const pngOf = (size: number): Buffer => pngs.get(size) ?? Buffer.alloc(0);

/** A TCP relay to `port` that counts the connections made through it. */
async function countingRelay(
  port: number,
): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
  let connections = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    connections += 1;
    const upstream = connect(port, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: () => connections,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('upload bodies: the bytes WeCom receives, however the body is built', () => {
  const s = emulatorSuite();
  const dir = scratchDir();

  it.each(SIZES)(
    'a %i-byte file from disk and from a Buffer arrives byte for byte',
    async (size) => {
      const png = pngOf(size);
      const path = join(dir.path, `${size}.png`);
      await writeFile(path, png);
      await s.app.service.upload({ ...image, file: path });
      await s.app.service.upload({ ...image, file: png, filename: 'b.png' });
      expect(s.emulator.uploads.map((u) => [u.upload?.size, u.upload?.filelength])).toEqual([
        [size, size],
        [size, size],
      ]);
      expect(s.emulator.uploads.map((u) => u.upload?.sha256)).toEqual([sha256(png), sha256(png)]);
      for (const upload of s.emulator.uploads) {
        expect(upload.headers['transfer-encoding']).toBeUndefined();
      }
    },
  );

  it.each([1000, MiB, 3 * MiB + 123])(
    'a connection reset re-reads a %i-byte file from its first byte',
    async (size) => {
      const png = pngOf(size);
      const path = join(dir.path, `reset-${size}.png`);
      await writeFile(path, png);
      s.emulator.resetNext('upload_attachment');
      await s.app.service.upload({ ...image, file: path });
      expect(s.emulator.uploads).toHaveLength(2);
      expect(s.emulator.uploads[1]?.upload?.sha256).toBe(sha256(png));
    },
  );

  describe('over one kept-alive connection', () => {
    let relayed: TestApp | undefined;
    let relay: Awaited<ReturnType<typeof countingRelay>> | undefined;
    afterEach(async () => {
      await relayed?.close();
      await relay?.close();
    });

    it('sends Buffer bodies and streamed bodies one after another on the same socket', async () => {
      relay = await countingRelay(Number(new URL(s.emulator.url).port));
      relayed = await bootApp(s.emulator, { baseUrl: relay.url });
      const small = join(dir.path, 'small.png');
      const large = join(dir.path, 'large.png');
      await writeFile(small, pngOf(1000));
      await writeFile(large, pngOf(3 * MiB + 123));
      for (let i = 0; i < 3; i++) {
        await relayed.service.upload({ ...image, file: small }); // one Buffer
        await relayed.service.upload({ ...image, file: pngOf(MiB), filename: 'm.png' }); // no copy
        await relayed.service.upload({ ...image, file: large }); // streamed from disk
      }
      expect(s.emulator.uploads.filter((u) => u.errcode === 0)).toHaveLength(9);
      expect(relay.connections()).toBe(1); // gettoken and the nine uploads
    });
  });
});
