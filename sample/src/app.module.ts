import { type DynamicModule, Module } from '@nestjs/common';
import { WecomMediaModule } from 'nestjs-wecom-media';
import { LoopbackGuard } from './loopback.guard.js';

/** Where WeCom is and who the app is. */
export interface SampleConfig {
  corpId: string;
  corpSecret: string;
  /** Set when the emulator stands in for WeCom. */
  baseUrl?: string;
}

@Module({})
export class AppModule {
  static register(config: SampleConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        WecomMediaModule.forRoot({
          corpId: config.corpId,
          corpSecret: config.corpSecret,
          baseUrl: config.baseUrl,
          controller: { path: 'wecom/attachments', guards: [LoopbackGuard] },
        }),
      ],
    };
  }
}
