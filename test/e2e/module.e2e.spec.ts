import { Inject, Injectable, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AttachmentService,
  AttachmentType,
  MediaType,
  WECOM_ACCESS_TOKEN_PROVIDER,
  WecomMediaModule,
  type AccessTokenProvider,
  type WecomMediaModuleOptions,
} from '../../lib/index.js';
import { WecomEmulator } from '../../lib/testing/index.js';
import { makePng } from '../helpers/media-bytes.js';

const png = makePng(10, 10);
const upload = (service: AttachmentService) =>
  service.upload({
    file: png,
    filename: 'a.png',
    mediaType: MediaType.Image,
    attachmentType: AttachmentType.ProductAlbum,
  });

/** Boots a Nest app of `imports`, without logs. */
async function boot(
  imports: unknown[],
): Promise<{ get: <T>(t: unknown) => T; close: () => Promise<void> }> {
  const ref = await Test.createTestingModule({ imports: imports as never[] }).compile();
  const app = ref.createNestApplication({ logger: false });
  await app.init();
  return { get: <T>(token: unknown) => app.get(token as never) as T, close: () => app.close() };
}

describe('WecomMediaModule', () => {
  let emulator: WecomEmulator;
  const options = (): WecomMediaModuleOptions => ({
    corpId: emulator.corpId,
    corpSecret: emulator.corpSecret,
    baseUrl: emulator.url,
  });

  beforeAll(async () => {
    emulator = await WecomEmulator.start();
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.reset());

  it('forRoot provides AttachmentService', async () => {
    const app = await boot([WecomMediaModule.forRoot(options())]);
    await expect(upload(app.get(AttachmentService))).resolves.toMatchObject({ type: 'image' });
    await app.close();
  });

  it('forRootAsync with useFactory, inject and imports (@nestjs/config)', async () => {
    const app = await boot([
      WecomMediaModule.forRootAsync({
        imports: [
          ConfigModule.forRoot({
            ignoreEnvFile: true,
            load: [() => ({ WECOM_CORP_ID: emulator.corpId, WECOM_SECRET: emulator.corpSecret })],
          }),
        ],
        inject: [ConfigService],
        useFactory: (config: ConfigService) => ({
          corpId: config.getOrThrow<string>('WECOM_CORP_ID'),
          corpSecret: config.getOrThrow<string>('WECOM_SECRET'),
          baseUrl: emulator.url,
        }),
      }),
    ]);
    await expect(upload(app.get(AttachmentService))).resolves.toBeDefined();
    await app.close();
  });

  it('forRootAsync with useClass and with useExisting', async () => {
    @Injectable()
    class WecomOptionsFactory {
      createWecomMediaOptions(): WecomMediaModuleOptions {
        return options();
      }
    }
    @Module({ providers: [WecomOptionsFactory], exports: [WecomOptionsFactory] })
    class OptionsModule {}

    const byClass = await boot([WecomMediaModule.forRootAsync({ useClass: WecomOptionsFactory })]);
    await expect(upload(byClass.get(AttachmentService))).resolves.toBeDefined();
    await byClass.close();

    const byExisting = await boot([
      WecomMediaModule.forRootAsync({ imports: [OptionsModule], useExisting: WecomOptionsFactory }),
    ]);
    await expect(upload(byExisting.get(AttachmentService))).resolves.toBeDefined();
    await byExisting.close();
  });

  it('isGlobal makes AttachmentService injectable in modules that do not import it', async () => {
    @Injectable()
    class Consumer {
      constructor(readonly attachments: AttachmentService) {}
    }
    @Module({ providers: [Consumer] })
    class FeatureModule {}
    const app = await boot([
      WecomMediaModule.forRoot({ ...options(), isGlobal: true }),
      FeatureModule,
    ]);
    expect(app.get<Consumer>(Consumer).attachments).toBeInstanceOf(AttachmentService);
    await app.close();
  });

  it('exports the token provider so the app can reuse the token for other WeCom calls', async () => {
    @Injectable()
    class OtherWecomCalls {
      constructor(@Inject(WECOM_ACCESS_TOKEN_PROVIDER) readonly tokens: AccessTokenProvider) {}
    }
    @Module({ imports: [WecomMediaModule.forRoot(options())], providers: [OtherWecomCalls] })
    class AppModule {}
    const app = await boot([AppModule]);
    const token = await app.get<OtherWecomCalls>(OtherWecomCalls).tokens.getToken();
    expect(token).toBe(emulator.issuedTokens[0]);
    await upload(app.get(AttachmentService));
    expect(emulator.gettokenCalls).toBe(1); // the upload reused it
    await app.close();
  });

  it('a tokenProvider option replaces gettoken', async () => {
    const seed = await boot([WecomMediaModule.forRoot(options())]);
    const token = await seed.get<AccessTokenProvider>(WECOM_ACCESS_TOKEN_PROVIDER).getToken();
    await seed.close();
    emulator.requests.length = 0;
    const invalidated: string[] = [];
    const provider: AccessTokenProvider = {
      getToken: () => Promise.resolve(token),
      invalidate: (t) => {
        invalidated.push(t);
        return Promise.resolve();
      },
    };
    const app = await boot([
      WecomMediaModule.forRoot({
        corpId: emulator.corpId,
        tokenProvider: provider,
        baseUrl: emulator.url,
      }),
    ]);
    await upload(app.get(AttachmentService));
    expect(emulator.gettokenCalls).toBe(0);
    expect(emulator.uploads[0]?.accessToken).toBe(token);
    emulator.failNext('upload_attachment', 42001);
    await upload(app.get(AttachmentService));
    expect(invalidated).toEqual([token]);
    await app.close();
  });

  describe('checks options at start-up', () => {
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      ['a missing corpId', { corpSecret: 's' }, /corpId must be a non-empty string/],
      [
        'an empty secret',
        { corpId: 'ww1', corpSecret: '  ' },
        /corpSecret must be a non-empty string/,
      ],
      [
        'a bad baseUrl',
        { corpId: 'ww1', corpSecret: 's', baseUrl: 'qyapi.weixin.qq.com' },
        /baseUrl must be an absolute/,
      ],
      [
        'a baseUrl with a query',
        { corpId: 'ww1', corpSecret: 's', baseUrl: 'https://x/?a=1' },
        /must not carry a query/,
      ],
      [
        'a negative timeout',
        { corpId: 'ww1', corpSecret: 's', timeoutMs: -1 },
        /timeoutMs must be a positive/,
      ],
      [
        'both secret and provider',
        { corpId: 'ww1', corpSecret: 's', tokenProvider: { getToken() {}, invalidate() {} } },
        /either corpSecret or tokenProvider/,
      ],
    ];
    for (const [what, bad, message] of cases) {
      it(`rejects ${what}`, async () => {
        const error = await boot([
          WecomMediaModule.forRoot(bad as unknown as WecomMediaModuleOptions),
        ]).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(Error);
        expect((error as Error).message).toMatch(message);
      });
    }

    it('checks forRootAsync options too, and never quotes the secret', async () => {
      const error = await boot([
        WecomMediaModule.forRootAsync({
          useFactory: () => ({ corpId: '', corpSecret: 'top-secret-value', baseUrl: 'ftp://x' }),
        }),
      ]).catch((e: unknown) => e);
      expect((error as Error).message).toMatch(/corpId must be/);
      expect((error as Error).message).toMatch(/baseUrl must use http or https/);
      expect((error as Error).message).not.toContain('top-secret-value');
    });
  });
});
