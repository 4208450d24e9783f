import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Builds dist once before any test: the packaging test and the multi-process replica tests run
 * the built package in plain Node.
 */
export default function setup(): void {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
}
