import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { MediaType, WecomMediaModule } from '../../lib/index.js';
import { bootHttpApp, bootRootApp, emulatorSuite } from '../helpers/wecom-test-app.js';
import { makePng } from '../helpers/media-bytes.mjs';

const png = makePng(200, 100);
const PATH = '/wecom/attachments';

describe('controller registration', () => {
  const s = emulatorSuite({
    app: false,
    emulator: { accepts: { '1': ['image', 'video', 'file'] } },
  });

  @Injectable()
  class NeedsKey implements CanActivate {
    canActivate(context: ExecutionContext): boolean {
      return (
        context.switchToHttp().getRequest<{ headers: Record<string, string> }>().headers[
          'x-key'
        ] === 'let-me-in'
      );
    }
  }

  it('honours guards, and does not warn when it has them', async () => {
    const h = await bootHttpApp(s.emulator, {
      controller: { path: 'uploads', guards: [NeedsKey] },
    });
    try {
      const denied = await supertest(h.url)
        .post('/uploads?media_type=image&attachment_type=2')
        .attach('media', png, 'a.png');
      expect(denied.status).toBe(403);
      const allowed = await supertest(h.url)
        .post('/uploads?media_type=image&attachment_type=2')
        .set('x-key', 'let-me-in')
        .attach('media', png, 'a.png');
      expect(allowed.status).toBe(201);
      expect(h.logs.text).not.toContain('give the controller option guards');
      expect(await h.leftovers()).toEqual([]);
    } finally {
      await h.close();
    }
  });

  it('is not registered when not asked for (404)', async () => {
    const h = await bootHttpApp(s.emulator, { controller: false });
    try {
      const res = await supertest(h.url)
        .post(`${PATH}?media_type=image&attachment_type=1`)
        .attach('media', png, 'a.png');
      expect(res.status).toBe(404);
    } finally {
      await h.close();
    }
  });

  it('works through forRootAsync, and each registration gets its own class', async () => {
    const start = (path: string) =>
      bootRootApp(
        {
          imports: [
            WecomMediaModule.forRootAsync({
              useFactory: () => ({
                corpId: s.emulator.corpId,
                corpSecret: s.emulator.corpSecret,
                baseUrl: s.emulator.url,
              }),
              controller: { path, guards: [NeedsKey] },
            }),
          ],
        },
        { listen: true },
      );
    const [appOne, appTwo] = await Promise.all([start('one'), start('two')]);
    try {
      const ok = await supertest(appOne.url)
        .post('/one?media_type=image&attachment_type=1')
        .set('x-key', 'let-me-in')
        .attach('media', png, 'a.png');
      expect(ok.status).toBe(201);
      expect(
        (await supertest(appOne.url).post('/two?media_type=image&attachment_type=1')).status,
      ).toBe(404);
      expect(
        (
          await supertest(appTwo.url)
            .post('/two?media_type=image&attachment_type=1')
            .set('x-key', 'let-me-in')
        ).status,
      ).toBe(400);
    } finally {
      await appOne.close();
      await appTwo.close();
    }
  });

  it("judges the query by the module's rules, as check() does", async () => {
    const h = await bootHttpApp(s.emulator, {
      rules: { attachmentTypes: { 1: [MediaType.Image, MediaType.Video, MediaType.File] } },
    });
    try {
      const res = await supertest(h.url)
        .post(`${PATH}?media_type=file&attachment_type=1`)
        .attach('media', Buffer.from('a plain text file'), 'notes.txt');
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ type: 'file' });
      expect(s.emulator.uploads.at(-1)?.query).toMatchObject({ media_type: 'file' });
    } finally {
      await h.close();
    }
  });
});
