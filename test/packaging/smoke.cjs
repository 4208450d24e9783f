// The same package through require(): Node >= 20.19 loads ESM from CommonJS.
require('reflect-metadata');
const media = require('nestjs-wecom-media');
const testing = require('nestjs-wecom-media/testing');
const health = require('nestjs-wecom-media/health');
console.log(
  JSON.stringify({
    exports: Object.keys(media).toSorted(),
    testing: Object.keys(testing).toSorted(),
    health: Object.keys(health).toSorted(),
  }),
);
