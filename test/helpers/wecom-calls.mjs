// Calls to a WeCom (the emulator) by hand, as an app without the module makes them: gettoken, the
// upload_attachment URL, and one upload. For the emulator specs and the bench's baselines. Plain
// Node ESM with JSDoc types, so the scripts import it as it is and the specs get its types.
import { buildMultipart } from './multipart.mjs';

/**
 * Where WeCom is, and the app's credentials there. A `WecomEmulator` is one.
 * @typedef {object} WecomTarget
 * @property {string} url
 * @property {string} corpId
 * @property {string} corpSecret
 */

/**
 * What gettoken and upload_attachment answer, as far as these calls read it.
 * @typedef {object} WecomAnswer
 * @property {number} errcode
 * @property {string} [errmsg]
 * @property {string} [access_token]
 * @property {string} [media_id]
 */

/**
 * A token from gettoken for `wecom`'s app; throws on any other answer.
 * @param {WecomTarget} wecom
 * @returns {Promise<string>}
 */
export async function fetchToken(wecom) {
  const query = new URLSearchParams({ corpid: wecom.corpId, corpsecret: wecom.corpSecret });
  const res = await fetch(`${wecom.url}/cgi-bin/gettoken?${query}`);
  const answer = /** @type {WecomAnswer} */ (await res.json());
  if (answer.errcode !== 0 || !answer.access_token)
    throw new Error(`gettoken answered ${JSON.stringify(answer)}`);
  return answer.access_token;
}

/**
 * The upload_attachment URL; a moments (1) image unless told otherwise.
 * @param {WecomTarget} wecom
 * @param {string} token
 * @param {{ mediaType?: string, attachmentType?: 1 | 2 }} [kind]
 * @returns {string}
 */
export function uploadUrl(wecom, token, { mediaType = 'image', attachmentType = 1 } = {}) {
  const query = new URLSearchParams({
    access_token: token,
    media_type: mediaType,
    attachment_type: String(attachmentType),
  });
  return `${wecom.url}/cgi-bin/media/upload_attachment?${query}`;
}

/**
 * POSTs a valid upload of `content` (an image, `photo.png`; for moments unless told) and returns
 * WeCom's answer.
 * @param {WecomTarget} wecom
 * @param {string} token
 * @param {Buffer} content
 * @param {'1' | '2'} [attachmentType]
 * @returns {Promise<WecomAnswer>}
 */
export async function postUpload(wecom, token, content, attachmentType = '1') {
  const { body, contentType } = buildMultipart(content, 'photo.png', 'image/png');
  const res = await fetch(
    uploadUrl(wecom, token, { attachmentType: attachmentType === '2' ? 2 : 1 }),
    {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    },
  );
  return /** @type {WecomAnswer} */ (await res.json());
}
