import { Controller, Get, Query } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { WecomMediaModule, type WecomMediaModuleOptions } from '../../lib/index.js';
import { WecomHealthIndicator, WecomHealthModule } from '../../lib/operations/health/index.js';
import { bootRootApp, type HttpTestApp } from '../helpers/wecom-test-app.js';

/** An app's health controller, as docs/operations.md shows it, with the check's options in the query. */
@Controller('health')
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly wecom: WecomHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check(@Query('storeRequired') storeRequired?: string, @Query('corpId') corpId?: string) {
    return this.health.check([
      () =>
        this.wecom.isHealthy('wecom', {
          storeRequired: storeRequired === 'true',
          ...(corpId ? { corpId } : {}),
        }),
    ]);
  }
}

/** What GET /health answered. */
export interface Probe {
  status: number;
  body: {
    status: string;
    details: { wecom: Record<string, unknown> & { status: string } };
  };
  text: string;
}

/** A listening app with the module (these options) and a Terminus health controller. */
export async function bootHealthApp(
  options: WecomMediaModuleOptions,
): Promise<HttpTestApp & { probe(query?: string): Promise<Probe> }> {
  const app = await bootRootApp(
    {
      imports: [
        TerminusModule,
        WecomHealthModule,
        WecomMediaModule.forRoot({ warmUp: false, ...options } as WecomMediaModuleOptions),
      ],
      controllers: [HealthController],
    },
    { listen: true },
  );
  return {
    ...app,
    async probe(query = '') {
      const response = await fetch(`${app.url}/health${query}`);
      const text = await response.text();
      return { status: response.status, body: JSON.parse(text) as Probe['body'], text };
    },
  };
}
