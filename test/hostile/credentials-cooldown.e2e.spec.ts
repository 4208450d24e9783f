import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  AttachmentType,
  MediaType,
  MemoryStore,
  WecomInvalidCredentialsError,
} from '../../lib/index.js';
import { bootApp, emulatorSuite, type TestApp } from '../helpers/wecom-test-app.js';
import { makePng } from '../helpers/media-bytes.mjs';

const png = makePng(32, 32);
const upload = (t: TestApp, name = 'a.png') =>
  t.service
    .upload({
      file: png,
      filename: name,
      mediaType: MediaType.Image,
      attachmentType: AttachmentType.Moment,
    })
    .catch((e: unknown) => e);

describe('a wrong secret never gets the server IP banned', () => {
  const s = emulatorSuite({ app: false });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('20 uploads in a row with a wrong secret make 1 gettoken; the rest fail fast, saying when WeCom is asked again', async () => {
    const wrong = await bootApp(s.emulator, { corpSecret: 'a-wrong-secret' });
    try {
      const before = Date.now();
      const first = await upload(wrong);
      expect(first).toBeInstanceOf(WecomInvalidCredentialsError);
      expect(first).toMatchObject({ errcode: 40001, attempts: 1, cached: false });
      const retryAt = (first as WecomInvalidCredentialsError).retryAt?.getTime() ?? 0;
      expect(retryAt).toBeGreaterThanOrEqual(before + 300_000);
      for (let i = 0; i < 19; i++) {
        const error = await upload(wrong, `${i}.png`);
        expect(error).toBeInstanceOf(WecomInvalidCredentialsError);
        expect(error).toMatchObject({ errcode: 40001, attempts: 0, cached: true });
        expect((error as Error).message).toContain(
          `the next real attempt will be made at ${new Date(retryAt).toISOString()}`,
        );
        expect((error as Error).message).not.toContain('a-wrong-secret');
      }
      expect(s.emulator.gettokenCalls).toBe(1);
      expect(s.emulator.uploads).toHaveLength(0);
    } finally {
      await wrong.close();
    }
  });

  it('concurrent uploads share the one refusal too', async () => {
    const wrong = await bootApp(s.emulator, { corpSecret: 'a-wrong-secret' });
    try {
      const errors = await Promise.all(
        Array.from({ length: 20 }, (_, i) => upload(wrong, `${i}.png`)),
      );
      expect(errors.every((e) => e instanceof WecomInvalidCredentialsError)).toBe(true);
      expect(s.emulator.gettokenCalls).toBe(1);
    } finally {
      await wrong.close();
    }
  });

  it('asks WeCom again once the cool-down is over', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const wrong = await bootApp(s.emulator, {
      corpSecret: 'a-wrong-secret',
      credentialsCooldownMs: 60_000,
    });
    try {
      await upload(wrong);
      await upload(wrong);
      expect(s.emulator.gettokenCalls).toBe(1);
      vi.setSystemTime(Date.now() + 60_001);
      expect(await upload(wrong)).toMatchObject({ errcode: 40001, cached: false });
      expect(s.emulator.gettokenCalls).toBe(2);
    } finally {
      await wrong.close();
    }
  });

  it('40013 (a wrong corp id) cools down the same way', async () => {
    const wrong = await bootApp(s.emulator, { corpId: 'ww-not-a-corp' });
    try {
      await upload(wrong);
      expect(await upload(wrong)).toMatchObject({ errcode: 40013, cached: true });
      expect(s.emulator.gettokenCalls).toBe(1);
    } finally {
      await wrong.close();
    }
  });

  it("the right secret (a new deployment) is not blocked by the old secret's cool-down", async () => {
    const store = new MemoryStore(); // shared, as Redis would be between deployments
    const old = await bootApp(s.emulator, { corpSecret: 'the-old-secret', store });
    const fixed = await bootApp(s.emulator, { store });
    try {
      expect(await upload(old)).toBeInstanceOf(WecomInvalidCredentialsError);
      const result = await upload(fixed);
      expect(result).toMatchObject({ type: 'image', reused: false });
      expect(s.emulator.gettokenCalls).toBe(2);
    } finally {
      await old.close();
      await fixed.close();
    }
  });

  it('replicas sharing a store share the cool-down: R × N uploads, 1 gettoken', async () => {
    const store = new MemoryStore();
    const replicas = await Promise.all(
      Array.from({ length: 3 }, () => bootApp(s.emulator, { corpSecret: 'a-wrong-secret', store })),
    );
    try {
      const errors = await Promise.all(
        replicas.flatMap((r) => Array.from({ length: 10 }, (_, i) => upload(r, `${i}.png`))),
      );
      expect(errors.every((e) => e instanceof WecomInvalidCredentialsError)).toBe(true);
      expect(s.emulator.gettokenCalls).toBe(1);
    } finally {
      await Promise.all(replicas.map((r) => r.close()));
    }
  });

  it('a credentials errcode from another API promises no cool-down it does not keep', async () => {
    const t = await bootApp(s.emulator);
    try {
      s.emulator.failNext('upload_attachment', 40001);
      const error = await upload(t);
      expect(error).toBeInstanceOf(WecomInvalidCredentialsError);
      expect(error).toMatchObject({ api: '/cgi-bin/media/upload_attachment', retryAt: undefined });
      expect((error as Error).message).not.toContain('next real attempt');
      expect(await upload(t)).toMatchObject({ type: 'image' }); // and indeed the next one goes
    } finally {
      await t.close();
    }
  });
});
