import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { WecomEmulator, type WecomEmulatorOptions } from '../../lib/testing/index.js';
import { bootApp, type ExtraOptions, type TestingApp } from './testing-app.js';

/** What a suite's tests read: the file's emulator and the current test's app. */
export interface EmulatorSuite {
  emulator: WecomEmulator;
  t: TestingApp;
}

/**
 * Registers the usual hooks: one emulator for the file, reset before each test, and a fresh app
 * pointed at it for each test, closed after it.
 */
export function emulatorSuite(
  app: ExtraOptions = {},
  emulatorOptions?: WecomEmulatorOptions,
): EmulatorSuite {
  const suite = {} as EmulatorSuite;
  beforeAll(async () => {
    suite.emulator = await WecomEmulator.start(emulatorOptions);
  });
  afterAll(() => suite.emulator.close());
  beforeEach(async () => {
    suite.emulator.reset();
    suite.t = await bootApp(suite.emulator, app);
  });
  afterEach(() => suite.t.close());
  return suite;
}
