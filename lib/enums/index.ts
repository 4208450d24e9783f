export * from './attachment-type.enum.js';
export * from './media-type.enum.js';
