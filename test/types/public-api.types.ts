// Compile-time checks of the public API: `npm run typecheck` fails if misuse starts to compile.
// Nothing here runs.
import { Readable } from 'node:stream';
import {
  AttachmentType,
  MediaType,
  WecomMediaModule,
  type AccessTokenProvider,
  type AttachmentInput,
  type PublishJobStatus,
  type PublishQueue,
  type QueuedMomentResult,
} from '../../lib/index.js';

const provider: AccessTokenProvider = {
  getToken: () => Promise.resolve('token'),
  invalidate: () => Promise.resolve(),
};
const base = { mediaType: MediaType.Image, attachmentType: AttachmentType.Moment } as const;

export const accepted: AttachmentInput[] = [
  { ...base, file: '/tmp/a.png' }, // a path names itself
  { ...base, file: { path: '/tmp/a.png' } },
  { ...base, file: { originalname: 'a.png', buffer: Buffer.alloc(10) } }, // a multer file
  { ...base, file: Buffer.alloc(10), filename: 'a.png' },
  { ...base, file: new Uint8Array(10), filename: 'a.png' },
  { ...base, file: Readable.from([]), filename: 'a.png' },
  { ...base, mediaType: 'video', file: '/tmp/a.mp4' }, // the string values work too
];

export const refused = [
  // @ts-expect-error a Buffer has no name: filename is required
  { ...base, file: Buffer.alloc(10) } satisfies AttachmentInput,
  // @ts-expect-error a stream has no name: filename is required
  { ...base, file: Readable.from([]) } satisfies AttachmentInput,
  // @ts-expect-error no such media type
  { ...base, mediaType: 'voice', file: '/tmp/a.amr' } satisfies AttachmentInput,
  // @ts-expect-error attachment types are 1 and 2
  { ...base, attachmentType: 3, file: '/tmp/a.png' } satisfies AttachmentInput,
];

export const modules = [
  WecomMediaModule.forRoot({ corpId: 'ww1', corpSecret: 'secret' }),
  WecomMediaModule.forRoot({ corpId: 'ww1', tokenProvider: provider }),
  WecomMediaModule.forRoot({
    corpId: 'ww1',
    corpSecret: 'secret',
    controller: { path: 'x' },
    isGlobal: true,
  }),
  // @ts-expect-error a secret or a token provider is required
  WecomMediaModule.forRoot({ corpId: 'ww1' }),
  // @ts-expect-error not both
  WecomMediaModule.forRoot({ corpId: 'ww1', corpSecret: 'secret', tokenProvider: provider }),
  // @ts-expect-error corpId is required
  WecomMediaModule.forRoot({ corpSecret: 'secret' }),
];

/** The queue takes only what a worker elsewhere can read, and asks which kind a key is of. */
export async function queueMisuse(queue: PublishQueue): Promise<void> {
  const album = { key: 'SN1', description: 'd', priceFen: 100 } as const;
  await queue.createAlbum({
    ...album,
    images: ['/tmp/a.png', new URL('https://cdn.example.com/a.png')],
  });
  await queue.createAlbum({
    ...album,
    images: [{ mediaId: 'm' }, { file: '/tmp/a.png', filename: 'a.png' }],
  });
  // @ts-expect-error a Buffer cannot wait in a queue
  await queue.createAlbum({ ...album, images: [Buffer.alloc(10)] });
  // @ts-expect-error nor a stream
  await queue.publishMoment({ key: 'k', video: Readable.from([]) });
  // @ts-expect-error a key is required
  await queue.createAlbum({ description: 'd', priceFen: 100, images: [] });
  const status: PublishJobStatus<'album'> = await queue.status('SN1', { kind: 'album' });
  const productId: string | undefined = status.result?.productId;
  const { momentId }: QueuedMomentResult = await queue.wait('k', { kind: 'moment', timeoutMs: 1 });
  void [productId, momentId];
  // @ts-expect-error a key is per kind: status must say which
  await queue.status('SN1', {});
  // @ts-expect-error no such kind
  await queue.status('SN1', { kind: 'video' });
  // @ts-expect-error wait needs its own timeout
  await queue.wait('SN1', { kind: 'album' });
  // @ts-expect-error an album's result has no momentId
  void (await queue.wait('SN1', { kind: 'album', timeoutMs: 1 })).momentId;
}
