import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { WecomHealthIndicator } from './wecom-health.indicator.js';

/**
 * Provides {@link WecomHealthIndicator} for an app's Terminus health controller. Import it beside
 * `TerminusModule`, in an app that registers `WecomMediaModule` (anywhere: the indicator finds it).
 *
 * @publicApi
 */
@Module({
  imports: [TerminusModule],
  providers: [WecomHealthIndicator],
  exports: [WecomHealthIndicator],
})
export class WecomHealthModule {}
