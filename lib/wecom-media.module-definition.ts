import { ConfigurableModuleBuilder } from '@nestjs/common';
import type {
  WecomMediaModuleExtras,
  WecomMediaModuleOptions,
} from './interfaces/wecom-media-module-options.interface.js';

export const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN, OPTIONS_TYPE, ASYNC_OPTIONS_TYPE } =
  new ConfigurableModuleBuilder<WecomMediaModuleOptions>({ moduleName: 'WecomMedia' })
    .setClassMethodName('forRoot')
    .setFactoryMethodName('createWecomMediaOptions')
    .setExtras<WecomMediaModuleExtras>(
      { isGlobal: false, controller: false },
      (definition, extras) => ({
        ...definition,
        global: extras.isGlobal,
      }),
    )
    .build();
