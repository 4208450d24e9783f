import { afterAll, afterEach, beforeAll, beforeEach, vi } from 'vitest';
import type { WecomMediaControllerOptions } from '../../lib/index.js';
import { WecomEmulator, type WecomEmulatorOptions } from '../../lib/testing/index.js';
import { bootHttpApp, type HttpApp } from './http-app.js';
import { bootApp, type ExtraOptions, type TestingApp } from './testing-app.js';

/** What each test of a suite gets: the file's emulator and, unless asked not to, a fresh app. */
export interface EmulatorSuite {
  emulator: WecomEmulator;
  /** The current test's app (service only); set unless `app: false` or `http` is given. */
  t: TestingApp;
  /** The current test's HTTP app with the upload controller; set when `http` is given. */
  h: HttpApp;
}

export interface EmulatorSuiteOptions {
  /**
   * Options of the app booted for each test (a function is called before each test); `false`
   * boots none (the spec boots its own).
   */
  app?: ExtraOptions | (() => ExtraOptions) | false;
  /** Boot an HTTP app with the controller instead, and check after each test that no temp file is left. */
  http?: true | WecomMediaControllerOptions;
  emulator?: WecomEmulatorOptions;
}

/**
 * The set-up every emulator spec shares: one emulator for the file, reset before each test, and a
 * fresh app pointed at it for each test, closed after it. An HTTP suite also fails a test that
 * leaves a spooled file behind (multer removes a broken body's file just after its answer, so
 * that check waits for it, with a bound).
 */
export function emulatorSuite(options: EmulatorSuiteOptions = {}): EmulatorSuite {
  const suite = {} as EmulatorSuite;
  const { app = {}, http, emulator } = options;
  beforeAll(async () => {
    suite.emulator = await WecomEmulator.start(emulator);
  });
  afterAll(() => suite.emulator.close());
  beforeEach(async () => {
    suite.emulator.reset();
    const given = typeof app === 'function' ? app() : app;
    if (http) suite.h = await bootHttpApp(suite.emulator, http, given || {});
    else if (given) suite.t = await bootApp(suite.emulator, given);
  });
  afterEach(async () => {
    if (http) {
      const h = suite.h;
      await vi
        .waitFor(
          async () => {
            const files = await h.leftovers();
            if (files.length > 0) throw new Error(`temp files left behind: ${files.join(', ')}`);
          },
          { timeout: 5_000, interval: 20 },
        )
        .finally(() => h.close());
    } else if (app) {
      await suite.t.close();
    }
  });
  return suite;
}
