// Calls to the emulator's publishing APIs by hand, over real HTTP, as an app without the module
// makes them: upload real media for a media_id, then publish it. For the publishing specs.
import { fixture } from '../helpers/fixtures.js';
import { buildMultipart } from '../helpers/multipart.mjs';
import { fetchToken, uploadUrl, type WecomTarget } from '../helpers/wecom-calls.mjs';

/** A WeCom answer, as parsed JSON. */
export type Answer = Record<string, unknown> & { errcode: number; errmsg: string };

const EXTERNAL = '/cgi-bin/externalcontact';

/** A corp's view of a WeCom: its token and the calls it makes with it. */
export interface Caller {
  token: string;
  /** POSTs `body` (JSON, or the text as it is) to externalcontact/`api`. */
  post(api: string, body: unknown): Promise<Answer>;
  /** GETs externalcontact/`api` with `query` (the token added). */
  get(api: string, query: Record<string, string>): Promise<Answer>;
  /** Uploads a real file of `kind` for `attachmentType` (1 moments, 2 album); its media_id. */
  upload(kind: 'png' | 'jpeg' | 'mp4', attachmentType?: 1 | 2): Promise<string>;
}

const FILES = {
  png: { name: 'photo.png', type: 'image/png', mediaType: 'image' },
  jpeg: { name: 'photo-baseline.jpg', type: 'image/jpeg', mediaType: 'image' },
  mp4: { name: 'clip-faststart.mp4', type: 'video/mp4', mediaType: 'video' },
} as const;

/** A caller for `wecom`'s app (or the given corp's), with a fresh token. */
export async function callerOf(wecom: WecomTarget): Promise<Caller> {
  const token = await fetchToken(wecom);
  const url = (api: string, query: Record<string, string> = {}): string =>
    `${wecom.url}${EXTERNAL}/${api}?${new URLSearchParams({ access_token: token, ...query })}`;
  return {
    token,
    async post(api, body) {
      const res = await fetch(url(api), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      return (await res.json()) as Answer;
    },
    async get(api, query) {
      return (await (await fetch(url(api, query))).json()) as Answer;
    },
    async upload(kind, attachmentType = 1) {
      const file = FILES[kind];
      const { body, contentType } = buildMultipart(fixture(file.name), file.name, file.type);
      const res = await fetch(
        uploadUrl(wecom, token, { mediaType: file.mediaType, attachmentType }),
        {
          method: 'POST',
          headers: { 'content-type': contentType },
          body,
        },
      );
      const answer = (await res.json()) as Answer;
      if (answer.errcode !== 0) throw new Error(`upload answered ${JSON.stringify(answer)}`);
      return String(answer.media_id);
    },
  };
}

/** An image attachment of a moment. */
export const image = (media_id: string) => ({ msgtype: 'image', image: { media_id } });
/** A video attachment of a moment. */
export const video = (media_id: string) => ({ msgtype: 'video', video: { media_id } });
/** A link attachment of a moment, `media_id` its cover. */
export const link = (fields: { title?: string; url?: string; media_id?: string }) => ({
  msgtype: 'link',
  link: fields,
});
/** An image of a product album. */
export const albumImage = (media_id: string) => ({ type: 'image', image: { media_id } });
