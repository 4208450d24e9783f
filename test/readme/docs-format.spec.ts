import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeBlocks, root } from './readme-consumers.mjs';

/** The pages a reader reads: the front page, the guides, the contributors' page, the sample's. */
async function pages(): Promise<string[]> {
  const docs = (await readdir(join(root, 'docs'))).filter((f) => f.endsWith('.md')).toSorted();
  return ['README.md', 'CONTRIBUTING.md', ...docs.map((f) => `docs/${f}`), 'sample/README.md'];
}

const read = (file: string): Promise<string> => readFile(join(root, file), 'utf8');

/** The lines of `markdown` outside its fenced code blocks, with their numbers. */
function prose(file: string, markdown: string): Array<{ line: number; text: string }> {
  const lines = markdown.split('\n');
  const inCode = new Set<number>();
  for (const block of codeBlocks(file, markdown)) {
    const end = block.line + block.code.split('\n').length; // the closing fence
    for (let n = block.line; n <= end; n++) inCode.add(n);
  }
  return lines.map((text, i) => ({ line: i + 1, text })).filter((l) => !inCode.has(l.line));
}

/** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens. */
const slug = (heading: string): string =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');

/** Every anchor of a page: its headings' slugs, a repeated one numbered as GitHub numbers it. */
function anchors(file: string, markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const found = new Set<string>();
  for (const { text } of prose(file, markdown)) {
    const heading = /^#{1,6} (.+)$/.exec(text)?.[1];
    if (heading === undefined) continue;
    const base = slug(heading);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    found.add(count === 0 ? base : `${base}-${count}`);
  }
  return found;
}

describe('the README, the guides and CONTRIBUTING.md', () => {
  it('have no line over 160 characters outside code blocks (wide tables become lists)', async () => {
    const long: string[] = [];
    for (const file of await pages()) {
      for (const { line, text } of prose(file, await read(file))) {
        if ([...text].length > 160) long.push(`${file}:${line} (${[...text].length})`);
      }
    }
    expect(long).toEqual([]);
  });

  it('link only to files and headings that exist', async () => {
    const broken: string[] = [];
    for (const file of await pages()) {
      const markdown = await read(file);
      for (const { line, text } of prose(file, markdown)) {
        for (const [, target = ''] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
          if (/^[a-z]+:/.test(target)) continue; // https:, mailto:
          const [path = '', anchor] = target.split('#');
          const to = path === '' ? file : normalize(join(dirname(file), path));
          if (!existsSync(join(root, to))) {
            broken.push(`${file}:${line} → ${target} (no file)`);
          } else if (anchor !== undefined && to.endsWith('.md')) {
            if (!anchors(to, await read(to)).has(anchor)) {
              broken.push(`${file}:${line} → ${target} (no heading)`);
            }
          }
        }
      }
    }
    expect(broken).toEqual([]);
  });
});

describe('the README as a front page', () => {
  it('is at most 400 lines', async () => {
    expect((await read('README.md')).trimEnd().split('\n').length).toBeLessThanOrEqual(400);
  });

  it("goes in a newcomer's order, the repository's own commands after the quick start", async () => {
    const headings = prose('README.md', await read('README.md'))
      .map((l) => /^## (.+)$/.exec(l.text)?.[1])
      .filter((h): h is string => h !== undefined);
    expect(headings).toEqual([
      'Install',
      'Quick start',
      'Try it without WeCom: the emulator',
      'From a clone',
      'Your own endpoint',
      'Or the built-in controller',
      'Errors and rules, in short',
      'Guides',
      'Licence',
    ]);
    const readme = await read('README.md');
    expect(readme.indexOf('npm ci')).toBeGreaterThan(readme.indexOf('## Quick start'));
  });

  it('links every guide in docs/, and copies no option table', async () => {
    const readme = await read('README.md');
    const guides = (await readdir(join(root, 'docs'))).filter((f) => f.endsWith('.md'));
    expect(guides.filter((g) => !readme.includes(`](docs/${g})`))).toEqual([]);
    expect(readme).not.toMatch(/^\| *option *\|/m);
  });
});
