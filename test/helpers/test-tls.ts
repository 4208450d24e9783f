// The private test CA and the emulator's server certificate under test/fixtures/tls (see its
// README): for tests only, never trusted anywhere else.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EmulatorTls } from '../../lib/testing/index.js';

const dir = join(import.meta.dirname, '..', 'fixtures', 'tls');

/** The test CA's certificate file, for `NODE_EXTRA_CA_CERTS` or a client's `ca`. */
export const TEST_CA_FILE = join(dir, 'ca.crt');

/** The test CA's certificate (PEM), which signed {@link testServerTls}'s certificate. */
export const testCa = (): Buffer => readFileSync(TEST_CA_FILE);

/** The key and certificate (PEM) for 127.0.0.1 and localhost: the emulator's `tls` option. */
export const testServerTls = (): EmulatorTls => ({
  key: readFileSync(join(dir, 'server.key')),
  cert: readFileSync(join(dir, 'server.crt')),
});
