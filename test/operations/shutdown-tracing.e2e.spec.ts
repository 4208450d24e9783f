// What an operator meets when Kubernetes stops a pod (SIGTERM, then SIGKILL after
// terminationGracePeriodSeconds), with the docs' SDK set-up and with the sample app: the process
// stops serving, sends what its SDK buffers, and ends (the review of issue 23 found neither).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const run = promisify(execFile);

/** An OTLP/HTTP collector that answers 200 and remembers what was posted where. */
async function collector(): Promise<{
  url: string;
  posts: string[];
  server: Server;
  next(path: string): Promise<void>;
}> {
  const posts: string[] = [];
  const waiting: Array<{ path: string; resolve: () => void }> = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      posts.push(req.url ?? '');
      for (const w of waiting.splice(0)) {
        if ((req.url ?? '').includes(w.path)) w.resolve();
        else waiting.push(w);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const next = (path: string) => new Promise<void>((resolve) => waiting.push({ path, resolve }));
  return { url: `http://127.0.0.1:${port}`, posts, server, next };
}

/** Resolves with the first line of `child`'s output that matches `pattern`. */
function lineOf(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const read = (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => pattern.test(l));
      if (line) resolve(line);
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code, signal) =>
      reject(new Error(`exited (${code ?? signal}) before ${pattern}:\n${out}`)),
    );
  });
}

describe('SIGTERM, as Kubernetes sends it, with tracing on', () => {
  let otlp: Awaited<ReturnType<typeof collector>>;
  const children: ChildProcess[] = [];
  // The sample built where no other spec builds it: test/sample rebuilds sample/dist meanwhile.
  const sampleDir = join(root, '.tmp', `shutdown-sample-${process.pid}`);
  beforeAll(async () => {
    otlp = await collector();
    await mkdir(sampleDir, { recursive: true });
    await run('npx', ['tsc', '-p', 'sample/tsconfig.json', '--outDir', join(sampleDir, 'dist')], {
      cwd: root,
    });
  }, 120_000);
  afterEach(() => {
    for (const child of children.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
  afterAll(async () => {
    await new Promise((resolve) => otlp.server.close(resolve));
    await rm(sampleDir, { recursive: true, force: true });
  });

  it('the fixture runs the recipe docs/operations.md gives: no SIGTERM listener of its own, the SDK shut down last', async () => {
    const docs = await readFile(join(root, 'docs', 'operations.md'), 'utf8');
    const fixture = await readFile(
      join(import.meta.dirname, 'fixtures', 'docs-tracing-app.mjs'),
      'utf8',
    );
    for (const line of [
      '  async onApplicationShutdown(): Promise<void> {',
      '    await sdk.shutdown();',
      '  app.enableShutdownHooks();',
    ]) {
      expect(docs).toContain(line);
      expect(fixture).toContain(line.trim().replace(': Promise<void>', ''));
    }
    expect(docs + fixture).not.toMatch(/process\.(once|on)\('SIGTERM'/);
  });

  it("docs/operations.md's tracing.ts and main.ts: at SIGTERM the app stops serving, then shuts the SDK down, then ends", async () => {
    const child = spawn(process.execPath, ['test/operations/fixtures/docs-tracing-app.mjs'], {
      cwd: root,
      env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    const url = (await lineOf(child, /docs app: listening/)).split(' ').at(-1) ?? '';
    expect((await fetch(`${url}/nowhere`)).status).toBe(404);
    const exited = once(child, 'exit');
    const shutDown = lineOf(child, /sdk\.shutdown\(\) resolved/);
    child.kill('SIGTERM');
    await shutDown;
    // Once the SDK is shut down, nothing answers HTTP: not a pod that lingers for the whole
    // grace period (until SIGKILL), serving untraced.
    const after = await fetch(`${url}/nowhere`).then(
      (r) => `still serving: HTTP ${r.status}`,
      () => 'not serving',
    );
    expect(after).toBe('not serving');
    const [code, signal] = (await exited) as [number | null, NodeJS.Signals | null];
    expect({ code, signal }).toEqual({ code: null, signal: 'SIGTERM' });
  }, 60_000);

  const startSample = (delay: string): ChildProcess => {
    const child = spawn(process.execPath, [join(sampleDir, 'dist', 'main.js')], {
      cwd: root,
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        WECOM_CORP_ID: '',
        WECOM_CORP_SECRET: '',
        OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
        OTEL_BSP_SCHEDULE_DELAY: delay,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    return child;
  };

  it('the sample exports its boot span (wecom.gettoken of verifyCredentials) when the batch delay passes', async () => {
    const exported = otlp.next('/v1/traces');
    const child = startSample('50');
    await lineOf(child, /Open http/);
    await exported;
    child.kill('SIGKILL');
    expect(otlp.posts.some((path) => path.includes('/v1/traces'))).toBe(true);
  }, 120_000);

  it('the sample with OTEL_EXPORTER_OTLP_ENDPOINT: spans still buffered at SIGTERM are exported, not lost', async () => {
    otlp.posts.length = 0;
    // The BatchSpanProcessor's delay (5 s by default) made long, so that what is buffered at
    // SIGTERM is certain; any span of the last 5 s before a SIGTERM is in the same place.
    const child = startSample('600000');
    // verifyCredentials: the boot fetched a token, inside the span wecom.gettoken.
    await lineOf(child, /Open http/);
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    // Nest's shutdown ends the process with the signal it received, once the spans are out.
    expect(await exited).toEqual([null, 'SIGTERM']);
    expect(otlp.posts.filter((path) => path.includes('/v1/traces')).length).toBeGreaterThan(0);
  }, 120_000);
});
