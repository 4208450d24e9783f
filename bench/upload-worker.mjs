// One variant of the upload benchmark in its own process (so its RSS is its own):
//   raw      node:http(s) sends pre-built multipart bytes straight to the emulator
//   tuned    node:http(s) sends the multipart head, the file read from disk per upload with the
//            fewest syscalls (one read and one write up to 1 MiB; 1 MiB reads above) and the tail
//            (a reference: the least any upload from a file path must do)
//   axios    axios (as the service configures it) sends pre-built multipart bytes on a kept-alive
//            agent: against raw, what axios alone costs per request (bench/run.mjs --variants axios)
//   service  AttachmentService.upload with a file path
//   naive    what a team writes without the module: the file in memory, form-data, axios,
//            the token in a variable
//   cache    AttachmentService.upload with mediaCache, repeating one file (every call a hit)
//   post     a client POSTing pre-built multipart bytes to a URL (the controller, or the emulator)
import 'reflect-metadata';
import { readFile, stat } from 'node:fs/promises';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { NestFactory } from '@nestjs/core';
import axios from 'axios';
import FormData from 'form-data';
import { AttachmentService, AttachmentType, MediaType } from 'nestjs-wecom-media';
import {
  buildMultipart,
  multipartFrame,
  postBytes,
  postFileTuned,
} from '../test/helpers/multipart.mjs';
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
 * What a worker answers a run with: also the CPU time (user + system) this process spent on the
 * measured uploads, in ms.
 * @typedef {import('./ipc.mjs').ConcurrentRun & { peakOverIdle: number, cpuMs: number, warmUps: number }} WorkerRun
 */

const [variant, configJson] = process.argv.slice(2);
if (!configJson) throw new Error('usage: upload-worker.mjs <variant> <the emulator process hello>');
const wecom = /** @type {import('../test/helpers/wecom-calls.mjs').WecomTarget} */ (
  JSON.parse(configJson)
);
const agents = {
  http: new HttpAgent({ keepAlive: true, maxSockets: 64 }),
  https: new HttpsAgent({ keepAlive: true, maxSockets: 64 }),
};
/**
 * The kept-alive agent for `url`'s protocol (the emulator may be served over TLS).
 * @param {string} url
 * @returns {HttpAgent}
 */
const agentFor = (url) => (url.startsWith('https:') ? agents.https : agents.http);
const kind = /** @type {const} */ ({ attachmentType: 2 });

/**
 * Sends one request by `send` on the kept-alive agent; fails on anything but success. A kept-alive
 * socket the server has just closed fails at once: such a request goes again, on a fresh
 * connection.
 * @param {string} url
 * @param {(via: HttpAgent | false) => Promise<import('../test/helpers/multipart.mjs').Answer>} send
 * @returns {Promise<string>}
 */
async function succeed(url, send) {
  /** @param {HttpAgent | false} via */
  const once = async (via) => {
    const { status, text } = await send(via);
    if (status >= 300 || !text.includes('media_id'))
      throw new Error(`HTTP ${status}: ${text.slice(0, 200)}`);
    return text;
  };
  return once(agentFor(url)).catch((/** @type {NodeJS.ErrnoException} */ error) => {
    if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') throw error;
    return once(false);
  });
}

/**
 * POSTs `body`, held in memory.
 * @param {string} url
 * @param {Buffer} body
 * @param {string} contentType
 * @returns {Promise<string>}
 */
const post = (url, body, contentType) =>
  succeed(url, (via) => postBytes(url, body, contentType, via));

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
    case 'axios': {
      const token = (state.token ??= await fetchToken(wecom));
      const { body, contentType } = buildMultipart(await readFile(path), filename, 'image/png');
      const url = uploadUrl(wecom, token, kind);
      return () =>
        succeed(url, async (via) => {
          const response = await axios.request({
            method: 'POST',
            url,
            data: body,
            headers: { 'content-type': contentType, 'content-length': String(body.length) },
            responseType: 'text',
            transformResponse: [(/** @type {string} */ raw) => raw],
            validateStatus: () => true,
            maxRedirects: 0,
            proxy: false,
            httpAgent: via === false ? new HttpAgent() : via,
            httpsAgent: via === false ? new HttpsAgent() : via,
            maxBodyLength: -1,
          });
          return { status: response.status, text: String(response.data) };
        });
    }
    case 'tuned': {
      const token = (state.token ??= await fetchToken(wecom));
      const frame = multipartFrame(filename, 'image/png', (await stat(path)).size);
      const url = uploadUrl(wecom, token, kind);
      return () => succeed(url, (via) => postFileTuned(url, path, frame, via));
    }
    case 'service': {
      // The bench measures what an upload costs, not the cap on calls at once: the emulator has no
      // concurrency limit, and with the default of 8 the concurrency-32 cells would run 8 at a
      // time (BENCH_MAX_CALLS=8 measures that).
      const calls = Number(process.env.BENCH_MAX_CALLS) || 64;
      const service = (state.service ??= await moduleApp({ maxConcurrentCalls: calls }));
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
    // Warm up every variant alike, long enough for V8 to optimise its code, as in a server that
    // has been up a while: 64 uploads of a small file, 8 of a 10 MiB one.
    // A cell of `count` uploads warms up with at most as many (the WAN bench's cold start asks for
    // one upload, and must get its first one cold).
    const warmUps = Math.min(count, (await stat(path)).size > 1024 * 1024 ? 8 : 64);
    await runConcurrently(warmUps, concurrency, upload);
    let cpuMs = 0;
    const { result, peakOverIdle } = await withPeakRss(async () => {
      const before = process.cpuUsage(); // after withPeakRss's GC, which is not the uploads'
      const run = await runConcurrently(count, concurrency, upload);
      const cpu = process.cpuUsage(before);
      cpuMs = (cpu.user + cpu.system) / 1000;
      return run;
    });
    return { ...result, peakOverIdle, cpuMs, warmUps };
  },
);
