// One variant of the upload benchmark in its own process (so its RSS is its own):
//   raw      node:http streams pre-built multipart bytes straight to the emulator
//   rawfile  node:http streams the multipart head, the file from disk and the tail (a reference:
//            the least any upload from a file path must do)
//   service  AttachmentService.upload with a file path
//   naive    what a team writes without the module: the file in memory, form-data, axios,
//            the token in a variable
//   cache    AttachmentService.upload with mediaCache, repeating one file (every call a hit)
//   post     a client POSTing pre-built multipart bytes to a URL (the controller, or the emulator)
import 'reflect-metadata';
import { readFile, stat } from 'node:fs/promises';
import { Agent } from 'node:http';
import { NestFactory } from '@nestjs/core';
import axios from 'axios';
import FormData from 'form-data';
import { AttachmentService, AttachmentType, MediaType } from 'nestjs-wecom-media';
import { buildMultipart, multipartFrame, postBytes, postFile } from '../test/helpers/multipart.mjs';
import { fetchToken, uploadUrl } from '../test/helpers/wecom-calls.mjs';
import { wecomRootModule } from '../test/helpers/wecom-root-module.mjs';
import { runConcurrently, serve, withPeakRss } from './ipc.mjs';

/**
 * What a worker takes: one cell of the bench, `count` uploads of the file at `path`.
 * @typedef {object} WorkerRunCommand
 * @property {'run'} cmd
 * @property {string} path
 * @property {string} filename
 * @property {string} [target] For `post`: the URL to POST to, or `emulator`.
 * @property {number} count
 * @property {number} concurrency
 */

/**
 * What a worker answers a run with.
 * @typedef {import('./ipc.mjs').ConcurrentRun & { peakOverIdle: number }} WorkerRun
 */

const [variant, configJson] = process.argv.slice(2);
if (!configJson) throw new Error('usage: upload-worker.mjs <variant> <the emulator process hello>');
const wecom = /** @type {import('../test/helpers/wecom-calls.mjs').WecomTarget} */ (
  JSON.parse(configJson)
);
const agent = new Agent({ keepAlive: true, maxSockets: 64 });
const kind = /** @type {const} */ ({ attachmentType: 2 });

/**
 * POSTs `body`; fails on anything but success.
 * @param {string} url
 * @param {Buffer} body
 * @param {string} contentType
 * @param {Agent | false} [via]
 * @returns {Promise<string>}
 */
async function postOnce(url, body, contentType, via = agent) {
  const { status, text } = await postBytes(url, body, contentType, via);
  if (status >= 300 || !text.includes('media_id'))
    throw new Error(`HTTP ${status}: ${text.slice(0, 200)}`);
  return text;
}

/**
 * A kept-alive socket the server has just closed fails at once: try such a request again.
 * @param {string} url
 * @param {Buffer} body
 * @param {string} contentType
 * @returns {Promise<string>}
 */
function post(url, body, contentType) {
  return postOnce(url, body, contentType).catch((/** @type {NodeJS.ErrnoException} */ error) => {
    if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') throw error;
    return postOnce(url, body, contentType, false); // on a fresh connection
  });
}

/**
 * @param {import('../test/helpers/wecom-root-module.mjs').RootModuleOptions} options
 * @returns {Promise<AttachmentService>}
 */
async function moduleApp(options) {
  const app = await NestFactory.createApplicationContext(wecomRootModule(wecom, options), {
    logger: false,
  });
  return app.get(AttachmentService);
}

/**
 * What the variants set up once and reuse.
 * @type {{ token?: string, service?: AttachmentService, cached?: AttachmentService }}
 */
const state = {};

/**
 * Builds the per-file upload function of this variant.
 * @param {Pick<WorkerRunCommand, 'path' | 'filename' | 'target'>} cell
 * @returns {Promise<() => Promise<unknown>>}
 */
async function prepare({ path, filename, target }) {
  /** @type {import('nestjs-wecom-media').AttachmentInput} */
  const input = {
    file: path,
    filename,
    mediaType: MediaType.Image,
    attachmentType: AttachmentType.ProductAlbum,
  };
  switch (variant) {
    case 'raw': {
      const token = (state.token ??= await fetchToken(wecom));
      const { body, contentType } = buildMultipart(await readFile(path), filename, 'image/png');
      const url = uploadUrl(wecom, token, kind);
      return () => post(url, body, contentType);
    }
    case 'rawfile': {
      const token = (state.token ??= await fetchToken(wecom));
      const frame = multipartFrame(filename, 'image/png', (await stat(path)).size);
      const url = uploadUrl(wecom, token, kind);
      return () => postFile(url, path, frame, agent);
    }
    case 'service': {
      const service = (state.service ??= await moduleApp({}));
      return () => service.upload(input);
    }
    case 'cache': {
      const service = (state.cached ??= await moduleApp({ mediaCache: true }));
      await service.upload(input); // the one real upload; every measured call is a hit
      return async () => {
        const result = await service.upload(input);
        if (!result.reused) throw new Error('expected a cache hit');
      };
    }
    case 'naive': {
      const token = (state.token ??= await fetchToken(wecom));
      return async () => {
        const buffer = await readFile(path); // multer memory storage would hold it like this
        const form = new FormData();
        form.append('media', buffer, { filename, contentType: 'image/png' });
        const { data } = await axios.post(uploadUrl(wecom, token, kind), form, {
          headers: form.getHeaders(),
          maxBodyLength: Infinity,
        });
        const answer = /** @type {import('../test/helpers/wecom-calls.mjs').WecomAnswer} */ (data);
        if (!answer.media_id) throw new Error(JSON.stringify(answer));
      };
    }
    case 'post': {
      const { body, contentType } = buildMultipart(await readFile(path), filename, 'image/png');
      const url =
        target === 'emulator'
          ? uploadUrl(wecom, (state.token ??= await fetchToken(wecom)), kind)
          : `${target}?media_type=image&attachment_type=2`;
      return () => post(url, body, contentType);
    }
    default:
      throw new Error(`unknown variant ${variant}`);
  }
}

serve(
  /**
   * @param {WorkerRunCommand} message
   * @returns {Promise<WorkerRun>}
   */
  async ({ cmd, path, filename, target, count, concurrency }) => {
    if (cmd !== 'run') throw new Error(`unknown command ${cmd}`);
    const upload = await prepare({ path, filename, target });
    await runConcurrently(Math.min(4, count), Math.min(4, concurrency), upload); // warm up
    const { result, peakOverIdle } = await withPeakRss(() =>
      runConcurrently(count, concurrency, upload),
    );
    return { ...result, peakOverIdle };
  },
);
