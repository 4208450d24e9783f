// Real HTTP(S) servers on 127.0.0.1 and a DNS stand-in, for the URL download specs.
import { once } from 'node:events';
import { readdir, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { TempDirectory } from '../../lib/source/temp-directory.js';
import type { HostLookup, ResolvedAddress } from '../../lib/source/url-target.js';
import { scratchDir } from '../helpers/scratch-dir.js';
import { testServerTls } from '../helpers/test-tls.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A server and what it was asked. */
export interface TestServer {
  port: number;
  /** The requests it received, in order. */
  requests: IncomingMessage[];
  /** Replaces what it answers. */
  handle(handler: Handler): void;
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1 at a free port, closed after the spec file. */
export async function startServer(handler: Handler = okHandler, tls = false): Promise<TestServer> {
  let current = handler;
  const requests: IncomingMessage[] = [];
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    requests.push(req);
    current(req, res);
  };
  const server: Server = tls
    ? createHttpsServer(testServerTls(), listener)
    : createServer(listener);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const close = async (): Promise<void> => {
    if (!server.listening) return;
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  };
  afterAll(close);
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    handle: (next) => (current = next),
    close,
  };
}

/** The body every server answers by default. */
export const BODY = Buffer.from('the bytes of an image, more or less');

function okHandler(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, { 'content-length': BODY.length });
  res.end(BODY);
}

/** A DNS stand-in: each name resolves to its addresses, every other name fails with ENOTFOUND. */
export function fakeDns(table: Record<string, readonly string[]>): HostLookup & {
  asked: string[];
} {
  const asked: string[] = [];
  const lookup = async (hostname: string): Promise<ResolvedAddress[]> => {
    asked.push(hostname);
    const addresses = table[hostname];
    if (!addresses) throw Object.assign(new Error(`no ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: isIP(address) === 6 ? 6 : 4 }));
  };
  return Object.assign(lookup, { asked });
}

/**
 * The spec file's temp directory, checked empty after every test: a failure must leave nothing,
 * and a test that downloads removes its file.
 */
export function checkedTempDirectory(): { temp: TempDirectory } {
  const scratch = scratchDir();
  const box = {} as { temp: TempDirectory };
  beforeAll(() => {
    box.temp = new TempDirectory(scratch.path);
  });
  afterEach(async () => {
    const dir = await box.temp.path();
    const left = await readdir(dir);
    // Emptied before the check, so that one test's leftover fails that test only.
    await Promise.all(left.map((name) => rm(join(dir, name), { force: true })));
    expect(left).toEqual([]);
  });
  return box;
}

/** What a failed call threw. */
export async function thrown(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure, but it succeeded');
}
