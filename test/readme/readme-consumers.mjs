// Builds fresh consumer projects out of every complete `ts` block of README.md, docs/*.md and
// sample/README.md (a block marked ```ts partial is left out), each against the built package,
// strict and with skipLibCheck off: an ESM app, a CommonJS app, and a CommonJS app on the legacy
// `moduleResolution: node` (which finds /testing through typesVersions). A block whose first line
// is a file name comment (`// main.ts`) is written under that name, so that blocks of one page can
// import each other; the others are named after the line they start on.
import { execFile } from 'node:child_process';
import { mkdir, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

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
 * The Markdown files whose blocks are users' code: the README, the guides, the sample's README.
 * @returns {Promise<string[]>} paths relative to the root
 */
export async function markdownFiles() {
  const docs = (await readdir(join(root, 'docs'))).filter((f) => f.endsWith('.md')).toSorted();
  return ['README.md', ...docs.map((f) => `docs/${f}`), 'sample/README.md'];
}

/**
 * The complete TypeScript blocks of the README, the guides and the sample's README.
 * @returns {Promise<CodeBlock[]>}
 */
export async function completeTsBlocks() {
  /** @type {CodeBlock[]} */
  const all = [];
  for (const file of await markdownFiles()) {
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
 * The file a block is written to in a consumer's src/: a folder per Markdown file, and in it the
 * name its first line gives (`// app.module.ts`) or `line-N.ts`.
 * @param {CodeBlock} block
 * @returns {string}
 */
export function fileOf(block) {
  const folder = block.file.replace(/\W+/g, '-');
  const named = /^\/\/ ([\w.-]+\.ts)\n/.exec(block.code)?.[1];
  return `${folder}/${named ?? `line-${block.line}.ts`}`;
}

/**
 * Each block as its own file (see {@link fileOf}); two blocks of one page with one name throw.
 * @param {CodeBlock[]} blocks
 * @returns {Record<string, string>}
 */
export function asFiles(blocks) {
  /** @type {Record<string, string>} */
  const files = {};
  for (const block of blocks) {
    const name = fileOf(block);
    if (name in files) throw new Error(`two blocks are named ${name}: ${block.file}:${block.line}`);
    files[name] = block.code;
  }
  return files;
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
 * package linked in as an installed dependency, and `packages` (name → their files) installed
 * beside it; returns its folder.
 * @param {keyof typeof CONSUMERS} kind
 * @param {Record<string, string>} files
 * @param {Record<string, Record<string, string>>} [packages]
 * @returns {Promise<string>}
 */
export async function writeConsumer(kind, files, packages = {}) {
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
  for (const [name, content] of Object.entries(packages)) {
    for (const [file, source] of Object.entries(content)) {
      await mkdir(dirname(join(dir, 'node_modules', name, file)), { recursive: true });
      await writeFile(join(dir, 'node_modules', name, file), source);
    }
  }
  return dir;
}

/**
 * What tsc said of a consumer, split by where each error lies: `ours` — in the blocks, in this
 * package's declarations, or anywhere else — fail the README test; `theirs` — located inside a
 * third-party package's own .d.ts under node_modules (ioredis 6.1 importing the untyped
 * redis-errors, say) — are that package's, and are reported without failing it.
 * @typedef {{ ours: string[], theirs: string[] }} Complaints
 */

/**
 * tsc's output, one entry per error (with its continuation lines), split as {@link Complaints}.
 * @param {string} output
 * @returns {Complaints}
 */
export function complaintsOf(output) {
  /** @type {string[]} */
  const errors = [];
  for (const line of output.split('\n')) {
    if (line.trim() === '') continue;
    if (/^\S/.test(line) || errors.length === 0) errors.push(line);
    else errors[errors.length - 1] += `\n${line}`;
  }
  /** @type {Complaints} */
  const split = { ours: [], theirs: [] };
  for (const error of errors) {
    const at = /^(.+?)\(\d+,\d+\): error TS\d+/.exec(error)?.[1]?.replaceAll('\\', '/');
    const thirdParty =
      at !== undefined &&
      /(^|\/)node_modules\//.test(at) &&
      at.endsWith('.d.ts') &&
      !/(^|\/)node_modules\/nestjs-wecom-media\//.test(at);
    (thirdParty ? split.theirs : split.ours).push(error);
  }
  return split;
}

const run = promisify(execFile);
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

/**
 * Type-checks (and emits) the consumer in `dir`; resolves with tsc's complaints, split.
 * @param {string} dir
 * @returns {Promise<Complaints>}
 */
export async function compile(dir) {
  try {
    await run(process.execPath, [tsc, '-p', dir], { cwd: dir });
    return { ours: [], theirs: [] };
  } catch (error) {
    const { stdout } = /** @type {{ stdout?: string }} */ (error);
    return complaintsOf(stdout || String(error));
  }
}
