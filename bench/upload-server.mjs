// An HTTP app that receives uploads and passes them on to the emulator, for the controller rows:
//   module  the module's controller (disk spooling, rules, AttachmentService)
//   naive   an Express route with multer memory storage, form-data and axios
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import axios from 'axios';
import express from 'express';
import FormData from 'form-data';
import multer from 'multer';
import { WecomMediaModule } from 'nestjs-wecom-media';
import { serve } from './ipc.mjs';

const [kind, configJson] = process.argv.slice(2);
const wecom = JSON.parse(configJson);
let peak = 0;
setInterval(() => {
  peak = Math.max(peak, process.memoryUsage.rss());
}, 5).unref();

let url;
if (kind === 'module') {
  const app = await NestFactory.create(
    {
      module: class ServerModule {
        name() {
          return 'bench server';
        }
      },
      imports: [
        WecomMediaModule.forRoot({
          corpId: wecom.corpId,
          corpSecret: wecom.corpSecret,
          baseUrl: wecom.url,
          controller: { path: 'upload', guards: [] },
        }),
      ],
    },
    { logger: false },
  );
  await app.listen(0, '127.0.0.1');
  url = `${await app.getUrl()}/upload`;
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
