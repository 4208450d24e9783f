export * from './multipart-parser.js';
export * from './wecom-emulator.js';
