import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The path of a committed fixture. */
export const fixturePath = (name: string): string =>
  join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', name);

/** The bytes of a committed fixture. */
export const fixture = (name: string): Buffer => readFileSync(fixturePath(name));
