// Builds fresh consumer projects out of every complete `ts` block of README.md and sample/README.md
// (a block marked ```ts partial is left out), each against the built package, strict and with
// skipLibCheck off: an ESM app, a CommonJS app, and a CommonJS app on the legacy
// `moduleResolution: node` (which finds /testing through typesVersions).
import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * One code block of a Markdown file.
 * @typedef {{ file: string, line: number, info: string, code: string }} CodeBlock
 */

/**
 * Every fenced code block of `markdown`, with the line its fence opens on.
 * @param {string} file
 * @param {string} markdown
 * @returns {CodeBlock[]}
 */
export function codeBlocks(file, markdown) {
  /** @type {CodeBlock[]} */
  const blocks = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\S.*)?$/.exec(lines[i] ?? '');
    if (!open) continue;
    const indent = open[1] ?? '';
    const start = i;
    const body = [];
    for (i += 1; i < lines.length && !(lines[i] ?? '').startsWith(`${indent}\`\`\``); i++) {
      body.push((lines[i] ?? '').slice(indent.length));
    }
    blocks.push({ file, line: start + 1, info: (open[2] ?? '').trim(), code: body.join('\n') });
  }
  return blocks;
}

/**
 * The complete TypeScript blocks of the READMEs.
 * @returns {Promise<CodeBlock[]>}
 */
export async function completeTsBlocks() {
  /** @type {CodeBlock[]} */
  const all = [];
  for (const file of ['README.md', 'sample/README.md']) {
    all.push(...codeBlocks(file, await readFile(join(root, file), 'utf8')));
  }
  // A TypeScript block is either complete (`ts`) or says it is partial (`ts partial`): anything
  // else (`typescript`, `ts title=…`) would be skipped without a word.
  const odd = all.filter(
    (b) => /^(ts|typescript|tsx)\b/.test(b.info) && b.info !== 'ts' && b.info !== 'ts partial',
  );
  if (odd.length > 0) {
    throw new Error(
      `TypeScript blocks must be \`ts\` or \`ts partial\`: ${odd.map((b) => `${b.file}:${b.line} (${b.info})`).join(', ')}`,
    );
  }
  return all.filter((b) => b.info === 'ts');
}

/**
 * The consumer kinds, each a tsconfig and a package.json `type`.
 * @type {Record<string, { type: 'module' | 'commonjs', compilerOptions: Record<string, unknown> }>}
 */
export const CONSUMERS = {
  esm: { type: 'module', compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext' } },
  cjs: { type: 'commonjs', compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext' } },
  'cjs-node10': {
    type: 'commonjs',
    compilerOptions: {
      module: 'commonjs',
      moduleResolution: 'node10',
      ignoreDeprecations: '6.0',
    },
  },
};

/**
 * Writes a consumer project of `kind` with `files` (name → source) under temp/readme/, with the
 * package linked in as an installed dependency; returns its folder.
 * @param {keyof typeof CONSUMERS} kind
 * @param {Record<string, string>} files
 * @returns {Promise<string>}
 */
export async function writeConsumer(kind, files) {
  const consumer = CONSUMERS[kind];
  if (!consumer) throw new Error(`no consumer ${kind}`);
  const dir = join(root, 'temp', 'readme', kind);
  await rm(dir, { recursive: true, force: true });
  await mkdir(join(dir, 'src'), { recursive: true });
  await mkdir(join(dir, 'node_modules'), { recursive: true });
  // The package as an app that installed it sees it: by name, through its exports map.
  await symlink(root, join(dir, 'node_modules', 'nestjs-wecom-media'), 'dir');
  await writeFile(
    join(dir, 'package.json'),
    JSON.stringify({ name: `readme-${kind}`, private: true, type: consumer.type }),
  );
  await writeFile(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        strict: true,
        skipLibCheck: false,
        experimentalDecorators: true,
        emitDecoratorMetadata: true,
        outDir: 'out',
        rootDir: 'src',
        types: ['node', 'multer'],
        ...consumer.compilerOptions,
      },
      include: ['src'],
    }),
  );
  for (const [name, source] of Object.entries(files)) {
    await mkdir(dirname(join(dir, 'src', name)), { recursive: true });
    await writeFile(join(dir, 'src', name), source);
  }
  return dir;
}
