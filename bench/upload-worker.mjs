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
import { buildMultipart, multipartFrame, postBytes, postFile } from './multipart.mjs';
import { wecomRootModule } from './nest-module.mjs';
import { runConcurrently, serve, withPeakRss } from './ipc.mjs';

const [variant, configJson] = process.argv.slice(2);
const wecom = JSON.parse(configJson);
const agent = new Agent({ keepAlive: true, maxSockets: 64 });
const query = 'media_type=image&attachment_type=2';

async function gettoken() {
  const { data } = await axios.get(`${wecom.url}/cgi-bin/gettoken`, {
    params: { corpid: wecom.corpId, corpsecret: wecom.corpSecret },
  });
  return data.access_token;
}

/** POSTs `body`; fails on anything but success. */
async function postOnce(url, body, contentType, via = agent) {
  const { status, text } = await postBytes(url, body, contentType, via);
  if (status >= 300 || !text.includes('media_id'))
    throw new Error(`HTTP ${status}: ${text.slice(0, 200)}`);
  return text;
}

/** A kept-alive socket the server has just closed fails at once: try such a request again. */
function post(url, body, contentType) {
  return postOnce(url, body, contentType).catch((error) => {
    if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') throw error;
    return postOnce(url, body, contentType, false); // on a fresh connection
  });
}

async function moduleApp(options) {
  const app = await NestFactory.createApplicationContext(wecomRootModule(wecom, options), {
    logger: false,
  });
  return app.get(AttachmentService);
}

/** Builds the per-file upload function of this variant. */
async function prepare({ path, filename, target }) {
  const input = {
    file: path,
    filename,
    mediaType: MediaType.Image,
    attachmentType: AttachmentType.ProductAlbum,
  };
  switch (variant) {
    case 'raw': {
      const token = (state.token ??= await gettoken());
      const { body, contentType } = buildMultipart(await readFile(path), filename, 'image/png');
      const url = `${wecom.url}/cgi-bin/media/upload_attachment?access_token=${token}&${query}`;
      return () => post(url, body, contentType);
    }
    case 'rawfile': {
      const token = (state.token ??= await gettoken());
      const frame = multipartFrame(filename, 'image/png', (await stat(path)).size);
      const url = `${wecom.url}/cgi-bin/media/upload_attachment?access_token=${token}&${query}`;
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
      state.token ??= await gettoken();
      return async () => {
        const buffer = await readFile(path); // multer memory storage would hold it like this
        const form = new FormData();
        form.append('media', buffer, { filename, contentType: 'image/png' });
        const { data } = await axios.post(
          `${wecom.url}/cgi-bin/media/upload_attachment?access_token=${state.token}&${query}`,
          form,
          {
            headers: form.getHeaders(),
            maxBodyLength: Infinity,
          },
        );
        if (!data.media_id) throw new Error(JSON.stringify(data));
      };
    }
    case 'post': {
      const { body, contentType } = buildMultipart(await readFile(path), filename, 'image/png');
      const url =
        target === 'emulator'
          ? `${wecom.url}/cgi-bin/media/upload_attachment?access_token=${(state.token ??= await gettoken())}&${query}`
          : `${target}?${query}`;
      return () => post(url, body, contentType);
    }
    default:
      throw new Error(`unknown variant ${variant}`);
  }
}

const state = {};
serve(async ({ cmd, path, filename, target, count, concurrency }) => {
  if (cmd !== 'run') throw new Error(`unknown command ${cmd}`);
  const upload = await prepare({ path, filename, target });
  await runConcurrently(Math.min(4, count), Math.min(4, concurrency), upload); // warm up
  const { result, peakOverIdle } = await withPeakRss(() =>
    runConcurrently(count, concurrency, upload),
  );
  return { ...result, peakOverIdle };
});
