export * from './attachment-rule.error.js';
export * from './attachment-source.error.js';
export * from './wecom-api.error.js';
export * from './wecom-credential-source.error.js';
export * from './wecom-transport.error.js';
export * from './wecom.error.js';
export * from './wecom-task-pending.error.js';
export * from './publish-job.error.js';
