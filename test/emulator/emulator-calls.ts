import type { WecomEmulator } from '../../lib/testing/index.js';

/** A valid upload_attachment body as WeCom's doc shows it: one `media` part with its filelength. */
export function multipartUpload(content: Buffer): { body: Buffer; contentType: string } {
  const boundary = '----EmulatorSpecBoundary7MA4YWxk';
  const head =
    `--${boundary}\r\nContent-Disposition: form-data; name="media"; filename="photo.png"; ` +
    `filelength=${content.length}\r\nContent-Type: image/png\r\n\r\n`;
  return {
    body: Buffer.concat([Buffer.from(head), content, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

/** A token from the emulator's gettoken for its first app; throws on any other answer. */
export async function fetchToken(emulator: WecomEmulator): Promise<string> {
  const query = new URLSearchParams({ corpid: emulator.corpId, corpsecret: emulator.corpSecret });
  const res = await fetch(`${emulator.url}/cgi-bin/gettoken?${query}`);
  const answer = (await res.json()) as { errcode: number; access_token?: string };
  if (answer.errcode !== 0 || !answer.access_token)
    throw new Error(`gettoken answered ${JSON.stringify(answer)}`);
  return answer.access_token;
}

/** The upload_attachment URL for a moments image. */
export function uploadUrl(emulator: WecomEmulator, token: string): string {
  const query = new URLSearchParams({
    access_token: token,
    media_type: 'image',
    attachment_type: '1',
  });
  return `${emulator.url}/cgi-bin/media/upload_attachment?${query}`;
}

/** POSTs a valid upload of `content` and returns WeCom's JSON answer. */
export async function postUpload(
  emulator: WecomEmulator,
  token: string,
  content: Buffer,
): Promise<{ errcode: number; media_id?: string }> {
  const { body, contentType } = multipartUpload(content);
  const res = await fetch(uploadUrl(emulator, token), {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  });
  return (await res.json()) as { errcode: number; media_id?: string };
}
