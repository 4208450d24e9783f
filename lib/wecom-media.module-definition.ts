import { ConfigurableModuleBuilder } from '@nestjs/common';
import type {
  WecomMediaModuleExtras,
  WecomMediaModuleOptions,
} from './options/wecom-media-options.interface.js';
import { resolveIsGlobal } from './options/resolve-options.js';

/**
 * `forRoot`/`forRootAsync` and their extras. `MODULE_OPTIONS_TOKEN` holds the options as the app
 * gave them; providers read the resolved ones (`WECOM_RESOLVED_OPTIONS`). The controller extra is
 * added by `WecomMediaModule` itself, so that this file loads nothing of the controller.
 */
export const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN } =
  new ConfigurableModuleBuilder<WecomMediaModuleOptions>({ moduleName: 'WecomMedia' })
    .setClassMethodName('forRoot')
    .setFactoryMethodName('createWecomMediaOptions')
    .setExtras<WecomMediaModuleExtras>(
      { isGlobal: false, controller: false },
      (definition, extras) => ({ ...definition, global: resolveIsGlobal(extras.isGlobal) }),
    )
    .build();
