import { describe, expect, it } from 'vitest';
import { completeTsBlocks } from '../readme/readme-consumers.mjs';

// The README test compiles every complete block in ESM and CJS apps; this one holds that
// docs/testing.md shows how to see the bytes that were sent, in a block it compiles.
describe('docs/testing.md', () => {
  it('shows keepUploads and upload.content in a complete ts block', async () => {
    const blocks = (await completeTsBlocks()).filter((b) => b.file === 'docs/testing.md');
    const keep = blocks.find((b) => b.code.includes('keepUploads: true'));
    expect(keep?.code).toMatch(/\.upload\?\.content\b/);
  });
});
