import {
  BadRequestException,
  Controller,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  UseGuards,
} from '@nestjs/common';
import type { SampleConfig } from './app.module.js';
import { LoopbackGuard } from './loopback.guard.js';

export const SAMPLE_CONFIG = Symbol('SAMPLE_CONFIG');

/** What the page asks the app: whether the emulator stands in for WeCom, and in what language. */
export interface SampleInfo {
  emulator: boolean;
  locale: 'en' | 'zh-CN';
}

/** The WeCom failure each of the page's examples makes the emulator answer with. */
const FAULTS = ['502', '503', '504'] as const;

/** The page's own endpoints: its settings, and the emulator's faults for the error examples. */
@Controller('sample')
@UseGuards(LoopbackGuard)
export class SampleController {
  constructor(@Inject(SAMPLE_CONFIG) private readonly config: SampleConfig) {}

  @Get('info')
  info(): SampleInfo {
    return { emulator: this.config.emulator !== undefined, locale: this.config.locale };
  }

  /** Makes the emulator fail the next upload so that the controller answers `status`. */
  @Post('faults/:status')
  @HttpCode(204)
  fault(@Param('status') status: string): void {
    const emulator = this.config.emulator;
    if (!emulator) throw new NotFoundException('faults exist only against the emulator');
    if (!FAULTS.includes(status as (typeof FAULTS)[number])) {
      throw new BadRequestException(`status must be one of ${FAULTS.join(', ')}`);
    }
    if (status === '502') emulator.failNext('upload_attachment', 40004); // invalid media type
    if (status === '503') emulator.failNext('upload_attachment', 45009); // frequency limit
    if (status === '504') {
      emulator.answerNextWith('upload_attachment', { status: 200, body: '', hang: true });
    }
  }
}
