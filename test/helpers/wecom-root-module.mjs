// The root module of the plain-Node apps (bench, soak, replicas): WecomMediaModule pointed at a
// WeCom (the emulator). Plain Node ESM with JSDoc types: plain Node has no decorators, so the root
// module is a dynamic one.
import { WecomMediaModule } from 'nestjs-wecom-media';

/**
 * The module's options and extras other than the corp's credentials and the base URL; `suite` or
 * `secretFor` serve many corps instead of `wecom`'s one corp (which is then the default corp).
 * @typedef {Omit<import('nestjs-wecom-media').WecomMediaCommonOptions, 'baseUrl'>
 *   & { suite?: import('nestjs-wecom-media').SuiteCredentials,
 *       secretFor?: (corpId: string) => string | Promise<string> }
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
      WecomMediaModule.forRoot(
        /** @type {import('nestjs-wecom-media').WecomMediaModuleOptions} */ ({
          corpId: wecom.corpId || undefined,
          ...(!options.suite && !options.secretFor && { corpSecret: wecom.corpSecret }),
          baseUrl: wecom.url,
          ...options,
        }),
      ),
    ],
  };
}
