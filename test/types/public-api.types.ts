// Compile-time checks of the public API: `npm run typecheck` fails if misuse starts to compile.
// Nothing here runs.
import { Readable } from 'node:stream';
import {
  AttachmentType,
  MediaType,
  WecomMediaModule,
  type AccessTokenProvider,
  type AttachmentInput,
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
