// `node --import ./test/helpers/hide-packages.mjs`: the packages named in HIDE_PACKAGES (comma
// separated) cannot be imported, as in an app that never installed them. For the packaging test
// (the main entry without its optional peers) and the bench (the service without
// @opentelemetry/api). ESM imports only: the module loads its optional peers by import().
import { register } from 'node:module';

const hidden = (process.env.HIDE_PACKAGES ?? '').split(',').filter(Boolean);
const hooks = `
const hidden = ${JSON.stringify(hidden)};
export async function resolve(specifier, context, next) {
  if (hidden.some((name) => specifier === name || specifier.startsWith(name + '/'))) {
    const error = new Error("Cannot find package '" + specifier + "' (hidden by hide-packages.mjs)");
    error.code = 'ERR_MODULE_NOT_FOUND';
    throw error;
  }
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
