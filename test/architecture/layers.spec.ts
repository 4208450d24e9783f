import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const lib = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'lib');

/**
 * The layers of lib/, lowest first. A folder imports only folders of a lower layer, so the
 * folder graph has no cycle; the root (the module, its providers, the service and the
 * controller) is the top, and nothing imports it. `testing/` is the independent test double.
 */
const LAYERS: Record<string, number> = {
  common: 0, // injection tokens, abort and timing helpers, secret redaction
  enums: 0,
  media: 0, // reads bytes: format, dimensions, duration
  interfaces: 1, // the public types
  errors: 2,
  rules: 3, // the rule table, overrides, checks and their messages, the filename rule
  options: 4, // the one resolver: defaults and start-up checks
  store: 4,
  source: 4, // a file however it arrived: open, spool, inspect, check
  limits: 5, // WeCom's limits kept before WeCom enforces them: calls at once, calls per window
  client: 6, // the WeCom HTTP client, the multipart body, the connection pool and its warm-up
  cache: 5, // the media-id cache
  fit: 5, // images made to pass the rules (sharp)
  validation: 5,
  'access-token': 7,
  dto: 7,
  http: 8, // building blocks of upload endpoints: interceptors, the error filter
  '.': 9,
};

interface Import {
  from: string;
  to: string;
}

/** Every import between lib files (static, type-only and dynamic), as paths relative to lib/. */
function importsOf(): Import[] {
  const files = readdirSync(lib, { recursive: true, encoding: 'utf8' }).filter((f) =>
    f.endsWith('.ts'),
  );
  return files.flatMap((file) => {
    const info = ts.preProcessFile(readFileSync(join(lib, file), 'utf8'), true, true);
    return info.importedFiles
      .map((i) => i.fileName)
      .filter((name) => name.startsWith('.'))
      .map((name) => ({
        from: file,
        to: relative(lib, resolve(lib, dirname(file), name)).replace(/\.js$/, '.ts'),
      }));
  });
}

const folderOf = (file: string): string => (file.includes('/') ? file.split('/')[0]! : '.');

describe('lib/ layers', () => {
  const imports = importsOf();

  it('knows every folder', () => {
    const folders = new Set(imports.flatMap((i) => [folderOf(i.from), folderOf(i.to)]));
    folders.delete('testing');
    expect([...folders].filter((f) => LAYERS[f] === undefined)).toEqual([]);
  });

  it('imports only downwards: no folder imports its own layer or a higher one, so no cycles', () => {
    const upwards = imports
      .filter((i) => folderOf(i.from) !== folderOf(i.to))
      .filter((i) => folderOf(i.from) !== 'testing' && folderOf(i.to) !== 'testing')
      .filter((i) => (LAYERS[folderOf(i.to)] ?? 0) >= (LAYERS[folderOf(i.from)] ?? 0))
      .map((i) => `${i.from} → ${i.to}`);
    expect(upwards).toEqual([]);
  });

  it('keeps the emulator independent of the library it must catch out', () => {
    const crossing = imports
      .filter((i) => (folderOf(i.from) === 'testing') !== (folderOf(i.to) === 'testing'))
      .map((i) => `${i.from} → ${i.to}`);
    expect(crossing).toEqual([]);
  });

  it('the module definition loads nothing of the controller or of HTTP uploads', () => {
    const closure = new Set<string>();
    const visit = (file: string): void => {
      if (closure.has(file)) return;
      closure.add(file);
      for (const i of imports) if (i.from === file) visit(i.to);
    };
    visit('wecom-media.module-definition.ts');
    expect(
      [...closure].filter((f) => f === 'attachment.controller.ts' || f.startsWith('http/')),
    ).toEqual([]);
  });

  it('loads multer only on the first upload, never when a module is imported', () => {
    const eager = readdirSync(lib, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .filter((f) =>
        /^import(?! type)[^;]*from 'multer'/m.test(readFileSync(join(lib, f), 'utf8')),
      );
    expect(eager).toEqual([]);
  });
});
