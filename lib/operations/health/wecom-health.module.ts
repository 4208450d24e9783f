import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { WecomHealthIndicator } from './wecom-health.indicator.js';

/**
 * Provides {@link WecomHealthIndicator} for an app's Terminus health controller. Import it beside
 * `TerminusModule`, in an app that registers `WecomMediaModule` (anywhere, once or once per corp:
 * the indicator finds each registration, and probes the one that uploads for the corp asked).
 *
 * @publicApi
 */
@Module({
  imports: [TerminusModule],
  providers: [WecomHealthIndicator],
  exports: [WecomHealthIndicator],
})
export class WecomHealthModule {}
