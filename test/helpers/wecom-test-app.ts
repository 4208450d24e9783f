import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { afterAll, afterEach, beforeAll, beforeEach, vi } from 'vitest';
import {
  AttachmentService,
  WecomMediaModule,
  type AccessTokenProvider,
  type SuiteCredentials,
  type WecomMediaCommonOptions,
  type WecomMediaControllerOptions,
  type WecomMediaModuleExtras,
  type WecomMediaModuleOptions,
  type WecomMediaSecretForOptions,
} from '../../lib/index.js';
import { WecomEmulator, type WecomEmulatorOptions } from '../../lib/testing/index.js';
import { LogCapture } from './log-capture.js';

// Every spec that starts the module starts it here: against the emulator (bootApp, bootHttpApp,
// emulatorSuite) or as a root module of its own (bootRootApp). Each app logs into its own
// LogCapture, so that a test can read what was logged and the run's output stays quiet.

/** A started Nest app with the module, what it logged, and how to close it. */
export interface TestApp {
  /** The Nest app, for `get` and for tests of its shutdown. */
  readonly app: INestApplication;
  /** The module's service. */
  readonly service: AttachmentService;
  /** Every line Nest and the module logged, from the compile on. */
  readonly logs: LogCapture;
  /** Closes the app, and removes what the helper made for it. */
  close(): Promise<void>;
}

/** An app listening on a port of 127.0.0.1. */
export interface HttpTestApp extends TestApp {
  /** Where it listens: `http://127.0.0.1:<port>`. */
  readonly url: string;
}

/** A listening app with the module's controller, spooling into a temp dir of its own. */
export interface ControllerTestApp extends HttpTestApp {
  /** The module's `tempDir`, removed by `close()`. */
  readonly tempDir: string;
  /** Every file left under the temp dir (the module's spool folder included). */
  leftovers(): Promise<string[]>;
}

/**
 * Module options laid over the emulator's (see {@link bootApp}). A credential other than
 * `corpSecret` replaces the emulator's secret; `secretFor` or `suite` replaces its corp too (give
 * `corpId` for a default corp).
 */
export type EmulatorAppOptions = Partial<WecomMediaCommonOptions> & {
  corpId?: string;
  corpSecret?: string;
  tokenProvider?: AccessTokenProvider;
  secretFor?: WecomMediaSecretForOptions['secretFor'];
  suite?: SuiteCredentials;
} & WecomMediaModuleExtras;

/** The module's options for `emulator`, with `over` laid over them. */
function emulatorOptions(
  emulator: WecomEmulator,
  over: EmulatorAppOptions,
): WecomMediaModuleOptions & WecomMediaModuleExtras {
  // The module takes exactly one way to get tokens.
  const manyCorps = over.secretFor !== undefined || over.suite !== undefined;
  const ownTokens = manyCorps || over.tokenProvider !== undefined;
  return {
    ...(!manyCorps && { corpId: emulator.corpId }),
    ...(!ownTokens && { corpSecret: emulator.corpSecret }),
    baseUrl: emulator.url,
    retry: { baseDelayMs: 10, maxDelayMs: 20 }, // fast backoff (the least allowed) keeps the suite quick
    // Each spec counts the calls its uploads make; warm-up's own calls have their own spec.
    warmUp: false,
    ...over,
  } as WecomMediaModuleOptions & WecomMediaModuleExtras;
}

/** How {@link bootRootApp} starts the app. */
export interface RootAppOptions {
  /** Listen on a port of 127.0.0.1 (true), or only initialise the app (the default). */
  listen?: boolean;
  /** Called with the created app before it starts, e.g. for `app.useGlobalFilters(…)`. */
  beforeStart?: (app: INestApplication) => void;
}

/**
 * Starts an app of a root module of the test's own: its own controllers, `forRootAsync`, several
 * modules, or options not pointed at an emulator. Rejects as the boot does.
 */
export function bootRootApp(
  root: ModuleMetadata,
  options: RootAppOptions & { listen: true },
): Promise<HttpTestApp>;
export function bootRootApp(root: ModuleMetadata, options?: RootAppOptions): Promise<TestApp>;
export async function bootRootApp(
  root: ModuleMetadata,
  { listen = false, beforeStart }: RootAppOptions = {},
): Promise<TestApp | HttpTestApp> {
  const logs = new LogCapture();
  const moduleRef = await Test.createTestingModule(root).setLogger(logs).compile();
  const app = moduleRef.createNestApplication({ logger: logs });
  beforeStart?.(app);
  if (!listen) await app.init();
  else await app.listen(0, '127.0.0.1');
  const started = { app, service: app.get(AttachmentService), logs, close: () => app.close() };
  return listen ? { ...started, url: await app.getUrl() } : started;
}

/**
 * Starts an app with the module pointed at `emulator`, without HTTP: the emulator's corp and
 * secret, a fast backoff and no warm-up, then `options`. Rejects as the boot does.
 */
export function bootApp(
  emulator: WecomEmulator,
  options: EmulatorAppOptions = {},
  /** Modules the app imports before this one: `BullModule.forRoot(…)` for the queue, say. */
  before: NonNullable<ModuleMetadata['imports']> = [],
): Promise<TestApp> {
  return bootRootApp({
    imports: [...before, WecomMediaModule.forRoot(emulatorOptions(emulator, options))],
  });
}

/**
 * Starts a listening app with the module pointed at `emulator` (as {@link bootApp} does), its
 * controller on unless `options.controller` says otherwise, and a temp dir of its own.
 */
export async function bootHttpApp(
  emulator: WecomEmulator,
  options: EmulatorAppOptions = {},
): Promise<ControllerTestApp> {
  const tempDir = await mkdtemp(join(tmpdir(), 'wecom-http-'));
  const removeTempDir = () => rm(tempDir, { recursive: true, force: true });
  const module = WecomMediaModule.forRoot(
    emulatorOptions(emulator, { controller: true, ...options, tempDir }),
  );
  const started = await bootRootApp({ imports: [module] }, { listen: true }).catch(
    async (error: unknown) => {
      await removeTempDir();
      throw error;
    },
  );
  return {
    ...started,
    tempDir,
    leftovers: async () =>
      (await readdir(tempDir, { recursive: true, withFileTypes: true }))
        .filter((e) => e.isFile())
        .map((e) => e.name),
    close: async () => {
      await started.close();
      await removeTempDir();
    },
  };
}

/** What each test of an {@link emulatorSuite} gets. */
export interface EmulatorSuiteContext {
  /** The file's emulator (or the describe's), reset before each test. */
  emulator: WecomEmulator;
  /**
   * The current test's app, without HTTP; set unless `app: false` or `http` is given. A test may
   * close it and put another here: whichever is here is closed after the test.
   */
  app: TestApp;
  /** The current test's listening app with the controller; set when `http` is given. */
  http: ControllerTestApp;
}

/** What an {@link emulatorSuite} starts. */
export interface EmulatorSuiteOptions {
  /**
   * Options of the app started for each test (a function is called before each test); `false`
   * starts none (the spec starts its own with {@link bootApp} or {@link bootHttpApp}).
   */
  app?: EmulatorAppOptions | (() => EmulatorAppOptions) | false;
  /** Start a listening app with the controller instead (these controller options, or the defaults). */
  http?: true | WecomMediaControllerOptions;
  /** The emulator's options. */
  emulator?: WecomEmulatorOptions;
}

/**
 * The set-up most emulator specs share, registered in the calling file or describe: one emulator,
 * reset before each test, and a fresh app pointed at it for each test, closed after it. An HTTP
 * suite also fails a test that leaves a spooled file behind (multer removes a broken body's file
 * just after its answer, so that check waits for it, with a bound).
 */
export function emulatorSuite(options: EmulatorSuiteOptions = {}): EmulatorSuiteContext {
  const suite = {} as EmulatorSuiteContext;
  const { app = {}, http, emulator } = options;
  beforeAll(async () => {
    suite.emulator = await WecomEmulator.start(emulator);
  });
  afterAll(() => suite.emulator.close());
  beforeEach(async () => {
    suite.emulator.reset();
    const given = typeof app === 'function' ? app() : app;
    if (http) suite.http = await bootHttpApp(suite.emulator, { ...given, controller: http });
    else if (given) suite.app = await bootApp(suite.emulator, given);
  });
  afterEach(async () => {
    if (http) {
      const started = suite.http;
      await vi
        .waitFor(
          async () => {
            const files = await started.leftovers();
            if (files.length > 0) throw new Error(`temp files left behind: ${files.join(', ')}`);
          },
          { timeout: 5_000, interval: 20 },
        )
        .finally(() => started.close());
    } else if (app) {
      await suite.app.close();
    }
  });
  return suite;
}
