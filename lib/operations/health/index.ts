// nestjs-wecom-media/health: a Terminus health indicator of the module. Its own entry point, so
// that the main one never loads @nestjs/terminus (an optional peer).
export { WecomHealthModule } from './wecom-health.module.js';
export {
  WecomHealthIndicator,
  type WecomHealthCheckOptions,
  type WecomHealthDetails,
} from './wecom-health.indicator.js';
