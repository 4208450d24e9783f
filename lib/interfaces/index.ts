export * from './access-token-provider.interface.js';
export * from './attachment-input.interface.js';
export * from './attachment-rules.interface.js';
export * from './upload-attachment-response.interface.js';
export * from './uploaded-attachment.interface.js';
export * from './violation.interface.js';
export * from './wecom-media-module-options.interface.js';
export * from './wecom-store.interface.js';
