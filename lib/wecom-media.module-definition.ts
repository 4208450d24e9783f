import { ConfigurableModuleBuilder } from '@nestjs/common';
import type {
  WecomMediaModuleExtras,
  WecomMediaModuleOptions,
} from './options/wecom-media-options.js';

/**
 * `forRoot`/`forRootAsync` and their extras. `MODULE_OPTIONS_TOKEN` holds the options as the app
 * gave them; providers read the resolved ones (`WECOM_RESOLVED_OPTIONS`). The extras are checked
 * and the controller added by `WecomMediaModule` itself, so that this file loads nothing else.
 */
export const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN } =
  new ConfigurableModuleBuilder<WecomMediaModuleOptions>({ moduleName: 'WecomMedia' })
    .setClassMethodName('forRoot')
    .setFactoryMethodName('createWecomMediaOptions')
    .setExtras<WecomMediaModuleExtras>(
      { isGlobal: false, controller: false, queue: false },
      (definition, extras) => ({
        ...definition,
        global: extras.isGlobal === true,
      }),
    )
    .build();
