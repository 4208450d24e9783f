export * from './byte-reader.js';
export * from './detect-format.js';
export * from './inspect-media.js';
export * from './media-format.js';
