import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { WecomHealthIndicator } from 'nestjs-wecom-media/health';

/** GET /health: can this app upload to WeCom (a token held or issued now), and is its store up? */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly wecom: WecomHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.wecom.isHealthy('wecom')]);
  }
}
