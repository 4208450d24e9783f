import { ConfigurableModuleBuilder } from '@nestjs/common';
import {
  createAttachmentController,
  resolveControllerOptions,
} from './controller/create-attachment-controller.js';
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
      (definition, extras) => {
        // The controller is an extra, not an option: it must be known when the module is defined,
        // before forRootAsync's factory has run.
        const controller = resolveControllerOptions(extras.controller);
        return {
          ...definition,
          global: extras.isGlobal,
          controllers: controller ? [createAttachmentController(controller)] : [],
        };
      },
    )
    .build();
