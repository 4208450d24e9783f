import { type DynamicModule, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { WecomMediaModule } from 'nestjs-wecom-media';
import { WecomHealthModule } from 'nestjs-wecom-media/health';
import { HealthController } from './health.controller.js';
import type { WecomEmulator } from 'nestjs-wecom-media/testing';
import { LoopbackGuard } from './loopback.guard.js';
import { MomentsController } from './moments.controller.js';
import { SampleController, SAMPLE_CONFIG } from './sample.controller.js';

/** Where WeCom is, who the app is, and how it speaks. */
export interface SampleConfig {
  corpId: string;
  corpSecret: string;
  /** Set when the emulator stands in for WeCom. */
  baseUrl?: string;
  /** The emulator, when it stands in for WeCom: the page's examples inject faults into it. */
  emulator?: WecomEmulator;
  locale: 'en' | 'zh-CN';
  /** Run last when the app shuts down: the tracing's flush (main.ts). */
  onShutdown?: () => Promise<void>;
}

@Module({})
export class AppModule implements OnApplicationShutdown {
  constructor(@Inject(SAMPLE_CONFIG) private readonly config: SampleConfig) {}

  /** After the server closed: what the app still buffers (spans) goes out before the process ends. */
  async onApplicationShutdown(): Promise<void> {
    await this.config.onShutdown?.();
  }

  static register(config: SampleConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        // GET /health: Terminus with the module's indicator (docs/operations.md).
        TerminusModule,
        WecomHealthModule,
        WecomMediaModule.forRoot({
          corpId: config.corpId,
          corpSecret: config.corpSecret,
          baseUrl: config.baseUrl,
          locale: config.locale,
          // A wrong secret fails the boot, not the first upload.
          verifyCredentials: true,
          // A phone photo for moments is scaled to 1080 px, a WebP becomes a JPEG: fitted, not
          // refused (needs sharp, a dev dependency of this repository).
          fit: true,
          // Stay within WeCom's 10,000 calls a minute per corp and API before WeCom says 45009
          // (with a RedisStore, every replica spends one budget).
          rateLimit: true,
          // Against the emulator, the page's 504 example should not keep you waiting 30 s.
          ...(config.emulator ? { timeoutMs: 3_000 } : {}),
          controller: { path: 'wecom/attachments', guards: [LoopbackGuard] },
        }),
      ],
      controllers: [SampleController, MomentsController, HealthController],
      providers: [{ provide: SAMPLE_CONFIG, useValue: config }],
    };
  }
}
