// The root module of the plain-Node apps (bench, soak, replicas): WecomMediaModule pointed at a
// WeCom (the emulator). Plain Node ESM with JSDoc types: plain Node has no decorators, so the root
// module is a dynamic one.
import { WecomMediaModule } from 'nestjs-wecom-media';

/**
 * The module's options and extras other than the credentials and the base URL.
 * @typedef {Omit<import('nestjs-wecom-media').WecomMediaSecretOptions, 'corpId' | 'corpSecret' | 'baseUrl'>
 *   & import('nestjs-wecom-media').WecomMediaModuleExtras} RootModuleOptions
 */

/**
 * A dynamic root module (plain Node has no decorators) importing the module for `wecom`.
 * @param {import('./wecom-calls.mjs').WecomTarget} wecom
 * @param {RootModuleOptions} [options]
 * @returns {import('@nestjs/common').DynamicModule}
 */
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
