// The root module of the bench and soak apps: WecomMediaModule pointed at the emulator.
import { WecomMediaModule } from 'nestjs-wecom-media';

/** A dynamic root module (plain Node has no decorators) importing the module for `wecom`. */
export function wecomRootModule(wecom, options = {}) {
  return {
    module: class WecomRootModule {
      describe() {
        return `WecomMediaModule against ${wecom.url}`;
      }
    },
    imports: [
      WecomMediaModule.forRoot({
        corpId: wecom.corpId,
        corpSecret: wecom.corpSecret,
        baseUrl: wecom.url,
        ...options,
      }),
    ],
  };
}
