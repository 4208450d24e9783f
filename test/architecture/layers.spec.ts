import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const lib = join(root, 'lib');
const files = readdirSync(lib, { recursive: true, encoding: 'utf8' }).filter((f) =>
  f.endsWith('.ts'),
);

/**
 * The layers of lib/, lowest first: a unit's runtime imports go only to lower layers, so there is
 * no cycle. A unit is a top-level folder (media/fit on its own: it brings sharp in), or a file at
 * the root. Type-only imports vanish at run time and may go anywhere, but for the rules below.
 */
const LAYERS: Record<string, number> = {
  'wecom-media.constants.ts': 0, // injection tokens, the logger context, a media_id's life
  'media-type.enum.ts': 0, // WeCom's words: media_type
  'attachment-type.enum.ts': 0, // and attachment_type
  errors: 1, // the error classes and errcodes
  media: 1, // reads bytes: format, dimensions, duration
  messages: 2, // every message, in each locale, and its advice
  'operations/telemetry': 2, // spans, metrics and the trace-aware logger (@opentelemetry/api, optional)
  rules: 3, // the rule table, the checks, the corp id rule
  store: 3, // memory, Redis, the outage fallback, the media-id cache
  client: 4, // WeCom over HTTP: transport, multipart, limits, the upload_attachment call
  source: 5, // the caller's file, however it arrived (a path, a stream, a URL), as bytes
  options: 6, // the option table: checks, defaults, types
  token: 7, // access tokens, per corp and app, and the start-up check
  'media/fit': 7, // images made to pass the rules (sharp)
  'attachment.service.ts': 8, // the upload, top to bottom
  'attachment-input.interface.ts': 8,
  'uploaded-attachment.interface.ts': 8,
  http: 9, // the controller, interceptors, the error filter, the DTOs, the file validator
  publishing: 9, // moments and product albums, from photos to a published one; queue/ on BullMQ
  'wecom-media.providers.ts': 10,
  'wecom-media.module.ts': 11,
  'wecom-media.module-definition.ts': 0, // loads nothing of the module's (see below)
  'index.ts': 12,
  // A Terminus health indicator: an entry point of its own (nestjs-wecom-media/health), above all.
  'operations/health': 12,
  'publishing/cli': 12, // the `wecom-media` command: catalogue imports and one-off uploads
};

interface Import {
  from: string;
  to: string;
  /** False for `import type`, `export type` and imports of types only. */
  runtime: boolean;
}

/** Every import between lib files (static, re-exports and dynamic), as paths relative to lib/. */
function importsOf(): Import[] {
  return files.flatMap((file) => {
    const source = ts.createSourceFile(
      file,
      readFileSync(join(lib, file), 'utf8'),
      ts.ScriptTarget.Latest,
      true,
    );
    const found: Array<{ spec: string; runtime: boolean }> = [];
    const visit = (node: ts.Node): void => {
      if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
        const spec = (node.moduleSpecifier as ts.StringLiteral).text;
        const clause = ts.isImportDeclaration(node) ? node.importClause : undefined;
        const named = clause?.namedBindings;
        const typeOnly = ts.isImportDeclaration(node)
          ? clause?.isTypeOnly === true ||
            (!clause?.name &&
              named !== undefined &&
              ts.isNamedImports(named) &&
              named.elements.length > 0 &&
              named.elements.every((e) => e.isTypeOnly))
          : node.isTypeOnly;
        found.push({ spec, runtime: !typeOnly });
      } else if (
        ts.isCallExpression(node) &&
        node.expression.kind === ts.SyntaxKind.ImportKeyword
      ) {
        const [arg] = node.arguments;
        if (arg && ts.isStringLiteral(arg)) found.push({ spec: arg.text, runtime: true });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
    return found
      .filter(({ spec }) => spec.startsWith('.'))
      .map(({ spec, runtime }) => ({
        from: file,
        to: relative(lib, resolve(lib, dirname(file), spec)).replace(/\.js$/, '.ts'),
        runtime,
      }));
  });
}

const unitOf = (file: string): string =>
  file.startsWith('media/fit/') ||
  file.startsWith('operations/') ||
  file.startsWith('publishing/cli/')
    ? file.split('/').slice(0, 2).join('/')
    : file.includes('/')
      ? file.split('/')[0]!
      : file;
const lines = (file: string): number => readFileSync(file, 'utf8').split('\n').length - 1;

describe('lib/ layout', () => {
  const imports = importsOf();

  it('has at most 13 top-level folders, each with a layer', () => {
    const folders = readdirSync(lib, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    expect(folders.length).toBeLessThanOrEqual(13);
    const units = new Set(files.map(unitOf));
    units.delete('testing');
    expect([...units].filter((u) => LAYERS[u] === undefined)).toEqual([]);
  });

  it('imports only downwards at run time: no unit imports its own layer or a higher one, so no cycles', () => {
    const upwards = imports
      .filter((i) => i.runtime && unitOf(i.from) !== unitOf(i.to))
      .filter((i) => unitOf(i.from) !== 'testing' && unitOf(i.to) !== 'testing')
      .filter((i) => (LAYERS[unitOf(i.to)] ?? 0) >= (LAYERS[unitOf(i.from)] ?? 0))
      .map((i) => `${i.from} → ${i.to}`);
    expect(upwards).toEqual([]);
  });

  it('keeps the wire in client/ and the bytes in source/: client/ knows neither rules nor sources, source/ never judges', () => {
    const crossing = imports
      .filter(
        (i) =>
          (unitOf(i.from) === 'client' && ['rules', 'source'].includes(unitOf(i.to))) ||
          // A URL's guards answer in Violations (a type); the rules themselves are not run here.
          (unitOf(i.from) === 'source' && unitOf(i.to) === 'rules' && i.runtime),
      )
      .map((i) => `${i.from} → ${i.to}`);
    expect(crossing).toEqual([]);
  });

  it('keeps health/ (and with it @nestjs/terminus) out of the core: only its own entry imports it', () => {
    const intoHealth = imports
      .filter((i) => unitOf(i.to) === 'operations/health' && unitOf(i.from) !== 'operations/health')
      .map((i) => `${i.from} → ${i.to}`);
    expect(intoHealth).toEqual([]);
    const terminus = files.filter(
      (f) =>
        unitOf(f) !== 'operations/health' &&
        /from '@nestjs\/terminus'/.test(readFileSync(join(lib, f), 'utf8')),
    );
    expect(terminus).toEqual([]);
  });

  it('loads @opentelemetry/api only by the guarded import at boot, never statically', () => {
    const eager = files.filter((f) =>
      /^import(?! type)[^;]*from '@opentelemetry\/api'/m.test(readFileSync(join(lib, f), 'utf8')),
    );
    expect(eager).toEqual([]);
  });

  it('keeps the emulator independent of the library it must catch out', () => {
    const crossing = imports
      .filter((i) => (unitOf(i.from) === 'testing') !== (unitOf(i.to) === 'testing'))
      .map((i) => `${i.from} → ${i.to}`);
    expect(crossing).toEqual([]);
  });

  it('the module definition loads at most 150 lines of lib at run time, and nothing of HTTP', () => {
    const closure = new Set<string>();
    const visit = (file: string): void => {
      if (closure.has(file)) return;
      closure.add(file);
      for (const i of imports) if (i.runtime && i.from === file) visit(i.to);
    };
    visit('wecom-media.module-definition.ts');
    expect([...closure].filter((f) => f.startsWith('http/'))).toEqual([]);
    expect([...closure].reduce((sum, f) => sum + lines(join(lib, f)), 0)).toBeLessThanOrEqual(150);
  });

  it('loads multer only on the first upload, never when a module is imported', () => {
    const eager = files.filter((f) =>
      /^import(?! type)[^;]*from 'multer'/m.test(readFileSync(join(lib, f), 'utf8')),
    );
    expect(eager).toEqual([]);
  });

  it('has no lib file over 300 lines and no spec over 350', () => {
    const long = files.map((f) => join('lib', f)).filter((f) => lines(join(root, f)) > 300);
    const specs = readdirSync(join(root, 'test'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.spec.ts'))
      .map((f) => join('test', f))
      .filter((f) => lines(join(root, f)) > 350);
    expect([...long, ...specs]).toEqual([]);
  });
});
