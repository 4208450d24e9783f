import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderOptionsDoc } from '../../scripts/options-doc.mjs';
import { WECOM_MEDIA_EXTRAS, WECOM_MEDIA_OPTIONS } from '../../lib/options/option-table.js';
import type { Check } from '../../lib/options/option-checks.js';

const root = join(import.meta.dirname, '..', '..');

/** Every option path of a table: `retry`, `retry.busyRetries`, … */
function paths(fields: Record<string, Check<never, unknown>>, prefix = ''): string[] {
  return Object.entries(fields).flatMap(([key, check]) => {
    const inner = (check as { fields?: Record<string, Check<never, unknown>> }).fields;
    return [`${prefix}${key}`, ...(inner ? paths(inner, `${prefix}${key}.`) : [])];
  });
}

// dist is built by `npm test` (or test/global-setup.ts): the generator reads the built table.
describe('docs/options.md', () => {
  it('is what the option table generates (npm run docs:options)', async () => {
    const committed = await readFile(join(root, 'docs', 'options.md'), 'utf8');
    expect(committed).toBe(await renderOptionsDoc());
  });

  it('names every option and extra, at every level, with its doc', async () => {
    const doc = await readFile(join(root, 'docs', 'options.md'), 'utf8');
    const all = [...paths(WECOM_MEDIA_OPTIONS.fields), ...paths(WECOM_MEDIA_EXTRAS.fields)];
    expect(all.length).toBeGreaterThan(50);
    expect(
      all.filter((path) => !new RegExp(`- \`${path.replace('.', '\\.')}\` — \\S`).test(doc)),
    ).toEqual([]);
    // Defaults come from the table: a few spot checks of what the module resolves.
    expect(doc).toMatch(/`timeoutMs` — [^]*?default 30000\)/);
    expect(doc).toMatch(/`retry\.busyRetries` — [^]*?default 3\)/);
  });
});
