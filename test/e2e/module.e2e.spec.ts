import { Inject, Injectable, Module, type ModuleMetadata } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { describe, expect, it } from 'vitest';
import { WECOM_STORE } from '../../lib/wecom-media.constants.js';
import {
  AttachmentService,
  AttachmentType,
  MediaType,
  MemoryStore,
  WECOM_ACCESS_TOKEN_PROVIDER,
  WECOM_ATTACHMENT_RULES,
  WecomMediaModule,
  type AccessTokenProvider,
  type AttachmentRules,
  type WecomMediaModuleOptions,
} from '../../lib/index.js';
import { FallbackStore } from '../../lib/store/fallback.store.js';
import { bootRootApp, emulatorSuite } from '../helpers/wecom-test-app.js';
import { makePng } from '../helpers/media-bytes.mjs';

const png = makePng(10, 10);
const upload = (service: AttachmentService) =>
  service.upload({
    file: png,
    filename: 'a.png',
    mediaType: MediaType.Image,
    attachmentType: AttachmentType.ProductAlbum,
  });

/** Starts a Nest app of `imports`. */
const boot = (imports: ModuleMetadata['imports']) => bootRootApp({ imports });

describe('WecomMediaModule', () => {
  const s = emulatorSuite({ app: false });
  const options = (): WecomMediaModuleOptions => ({
    corpId: s.emulator.corpId,
    corpSecret: s.emulator.corpSecret,
    baseUrl: s.emulator.url,
    warmUp: false, // the tests count the token calls their uploads make
  });
  /** The media_id the emulator issued last. */
  const lastMediaId = (): string | undefined => s.emulator.uploads.at(-1)?.mediaId;

  it('forRoot provides AttachmentService', async () => {
    const app = await boot([WecomMediaModule.forRoot(options())]);
    const result = await upload(app.service);
    expect(result.type).toBe('image');
    expect(result.mediaId).toBe(lastMediaId());
    await app.close();
  });

  it('forRootAsync with useFactory, inject and imports (@nestjs/config)', async () => {
    const app = await boot([
      WecomMediaModule.forRootAsync({
        imports: [
          ConfigModule.forRoot({
            ignoreEnvFile: true,
            load: [
              () => ({ WECOM_CORP_ID: s.emulator.corpId, WECOM_SECRET: s.emulator.corpSecret }),
            ],
          }),
        ],
        inject: [ConfigService],
        useFactory: (config: ConfigService) => ({
          corpId: config.getOrThrow<string>('WECOM_CORP_ID'),
          corpSecret: config.getOrThrow<string>('WECOM_SECRET'),
          baseUrl: s.emulator.url,
        }),
      }),
    ]);
    expect((await upload(app.service)).mediaId).toBe(lastMediaId());
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
    expect((await upload(byClass.service)).mediaId).toBe(lastMediaId());
    await byClass.close();

    const byExisting = await boot([
      WecomMediaModule.forRootAsync({ imports: [OptionsModule], useExisting: WecomOptionsFactory }),
    ]);
    expect((await upload(byExisting.service)).mediaId).toBe(lastMediaId());
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
    expect(app.app.get(Consumer).attachments).toBeInstanceOf(AttachmentService);
    await app.close();
  });

  it("every exported token can be injected in the app's own module", async () => {
    @Injectable()
    class UsesEverything {
      constructor(
        @Inject(WECOM_ACCESS_TOKEN_PROVIDER) readonly tokens: AccessTokenProvider,
        @Inject(WECOM_ATTACHMENT_RULES) readonly rules: AttachmentRules,
        readonly attachments: AttachmentService,
      ) {}
    }
    @Module({
      imports: [
        WecomMediaModule.forRoot({
          ...options(),
          rules: { momentVideo: { maxDurationSeconds: 60 } },
        }),
      ],
      providers: [UsesEverything],
    })
    class AppModule {}
    const app = await boot([AppModule]);
    const user = app.app.get(UsesEverything);
    expect(user.rules.momentVideo.maxDurationSeconds).toBe(60); // the module's resolved rules
    expect(user.rules.momentImage.maxShortEdge).toBe(1080);
    expect(typeof (await user.tokens.getToken({ corpId: s.emulator.corpId }))).toBe('string');
    expect(user.attachments).toBeInstanceOf(AttachmentService);
    await app.close();
  });

  it('bounds a shared store once: a store that already falls back is not wrapped again', async () => {
    const given = new FallbackStore(new MemoryStore(), { timeoutMs: 100, retryAfterMs: 100 });
    const wrapped = await boot([WecomMediaModule.forRoot({ ...options(), store: given })]);
    expect(wrapped.app.get(WECOM_STORE)).toBe(given);
    await wrapped.close();
    const memory = new MemoryStore();
    const plain = await boot([WecomMediaModule.forRoot({ ...options(), store: memory })]);
    expect(plain.app.get(WECOM_STORE)).toBe(memory);
    await plain.close();
  });

  it('exports the token provider so the app can reuse the token for other WeCom calls', async () => {
    @Injectable()
    class OtherWecomCalls {
      constructor(@Inject(WECOM_ACCESS_TOKEN_PROVIDER) readonly tokens: AccessTokenProvider) {}
    }
    @Module({ imports: [WecomMediaModule.forRoot(options())], providers: [OtherWecomCalls] })
    class AppModule {}
    const app = await boot([AppModule]);
    const token = await app.app.get(OtherWecomCalls).tokens.getToken({ corpId: s.emulator.corpId });
    expect(token).toBe(s.emulator.issuedTokens[0]);
    await upload(app.service);
    expect(s.emulator.gettokenCalls).toBe(1); // the upload reused it
    await app.close();
  });

  it('a tokenProvider option replaces gettoken', async () => {
    const seed = await boot([WecomMediaModule.forRoot(options())]);
    const token = await seed.app
      .get<AccessTokenProvider>(WECOM_ACCESS_TOKEN_PROVIDER)
      .getToken({ corpId: s.emulator.corpId });
    await seed.close();
    s.emulator.requests.length = 0;
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
        corpId: s.emulator.corpId,
        tokenProvider: provider,
        baseUrl: s.emulator.url,
      }),
    ]);
    await upload(app.service);
    expect(s.emulator.gettokenCalls).toBe(0);
    expect(s.emulator.uploads[0]?.accessToken).toBe(token);
    s.emulator.failNext('upload_attachment', 42001);
    await upload(app.service);
    expect(invalidated).toEqual([token]);
    await app.close();
  });

  describe('checks options at start-up', () => {
    it('fails the boot of forRoot with every problem listed', async () => {
      const error = await boot([
        WecomMediaModule.forRoot({
          corpId: '',
          corpSecret: 's',
          timeoutMs: -1,
        } as unknown as WecomMediaModuleOptions),
      ]).catch((e: unknown) => e);
      expect((error as Error).message).toMatch(/corpId must be the corp id \("ww…"/);
      expect((error as Error).message).toMatch(/timeoutMs must be a positive/);
    });

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
