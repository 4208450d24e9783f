// An HTTP app that receives uploads and passes them on to the emulator, for the controller rows:
//   module  the module's controller (disk spooling, rules, AttachmentService)
//   naive   an Express route with multer memory storage, form-data and axios
//   bare    a reference, not a target: the least a spooling proxy must do — node:http, busboy,
//           the file written to disk, then streamed on to the emulator with node:http
import 'reflect-metadata';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { Agent, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import { NestFactory } from '@nestjs/core';
import axios from 'axios';
import express from 'express';
import FormData from 'form-data';
import multer from 'multer';
import { serve } from './ipc.mjs';
import { multipartFrame, postFile } from './multipart.mjs';
import { wecomRootModule } from './nest-module.mjs';

const [kind, configJson] = process.argv.slice(2);
const wecom = JSON.parse(configJson);
let peak = 0;
setInterval(() => {
  peak = Math.max(peak, process.memoryUsage.rss());
}, 5).unref();

let url;
if (kind === 'module') {
  const app = await NestFactory.create(
    wecomRootModule(wecom, { controller: { path: 'upload', guards: [] } }),
    { logger: false },
  );
  await app.listen(0, '127.0.0.1');
  url = `${await app.getUrl()}/upload`;
} else if (kind === 'bare') {
  const { data } = await axios.get(`${wecom.url}/cgi-bin/gettoken`, {
    params: { corpid: wecom.corpId, corpsecret: wecom.corpSecret },
  });
  url = await bareProxy(data.access_token);
} else {
  const { data } = await axios.get(`${wecom.url}/cgi-bin/gettoken`, {
    params: { corpid: wecom.corpId, corpsecret: wecom.corpSecret },
  });
  const token = data.access_token; // cached in a variable, as such code does
  const app = express();
  app.post(
    '/upload',
    multer({ storage: multer.memoryStorage() }).single('media'),
    async (req, res) => {
      try {
        const form = new FormData();
        form.append('media', req.file.buffer, {
          filename: req.file.originalname,
          contentType: req.file.mimetype,
        });
        const { data: answer } = await axios.post(
          `${wecom.url}/cgi-bin/media/upload_attachment?access_token=${token}&media_type=${req.query.media_type}&attachment_type=${req.query.attachment_type}`,
          form,
          { headers: form.getHeaders(), maxBodyLength: Infinity },
        );
        res.status(201).json(answer);
      } catch (error) {
        res.status(502).json({ message: String(error) });
      }
    },
  );
  const server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  url = `http://127.0.0.1:${server.address().port}/upload`;
}

/** node:http + busboy + a temp file + node:http: receive, spool, forward, answer. */
async function bareProxy(token) {
  const dir = await mkdtemp(join(tmpdir(), 'bench-bare-'));
  const agent = new Agent({ keepAlive: true });
  let next = 0;
  const server = createServer((req, res) => {
    const parser = busboy({ headers: req.headers, limits: { files: 1 } });
    let spooled;
    parser.on('file', (_name, stream, info) => {
      const path = join(dir, String(next++));
      spooled = pipeline(stream, createWriteStream(path)).then(() => ({ path, info }));
    });
    parser.on('close', async () => {
      const { path, info } = await spooled;
      const size = (await stat(path)).size;
      try {
        // A kept-alive socket the emulator has just closed fails at once: retry on a fresh one.
        const answer = await forward(path, info, size, agent).catch(() =>
          forward(path, info, size, false),
        );
        res.writeHead(201, { 'content-type': 'application/json' }).end(answer);
      } catch (error) {
        res
          .writeHead(502, { 'content-type': 'application/json' })
          .end(JSON.stringify({ message: String(error) }));
      } finally {
        await rm(path, { force: true });
      }
    });
    req.pipe(parser);
  });
  /** Streams the spooled file to the emulator; resolves with its answer. */
  async function forward(path, info, size, via) {
    const upload = `${wecom.url}/cgi-bin/media/upload_attachment?access_token=${token}&media_type=image&attachment_type=2`;
    return (await postFile(upload, path, multipartFrame(info.filename, info.mimeType, size), via))
      .text;
  }
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${server.address().port}/upload`;
}

serve(
  ({ cmd }) => {
    if (cmd === 'reset-peak') {
      globalThis.gc?.();
      const idle = process.memoryUsage.rss();
      peak = idle;
      return { idle };
    }
    if (cmd === 'peak') return { peak };
    throw new Error(`unknown command ${cmd}`);
  },
  { url },
);
