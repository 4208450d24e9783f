// A throwaway redis-server on 127.0.0.1, started from PATH: for the Redis specs and the soak run.
// Plain Node ESM with JSDoc types, so the scripts import it as it is and the specs get its types.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';

/**
 * True when a `redis-server` binary is on PATH.
 * @returns {boolean}
 */
export function hasRedisServer() {
  return (process.env.PATH ?? '')
    .split(delimiter)
    .some((dir) => existsSync(join(dir, 'redis-server')));
}

/**
 * Skips locally without redis-server; in CI its absence is an error (.ci/run installs it).
 * @returns {boolean}
 */
export function requireRedisServer() {
  const present = hasRedisServer();
  if (!present && process.env.CI === 'true') {
    throw new Error(
      'redis-server is not on PATH: .ci/run installs it, and CI never skips these tests',
    );
  }
  return present;
}

/**
 * A free TCP port on 127.0.0.1.
 * @returns {Promise<number>}
 */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A throwaway redis-server on 127.0.0.1: no persistence; can be stopped and started again. */
export class RedisServer {
  /**
   * The port on 127.0.0.1, kept across stop and resume.
   * @readonly
   * @type {number}
   */
  port;

  /** @type {import('node:child_process').ChildProcess | undefined} */
  #child;

  /**
   * Use {@link RedisServer.start}.
   * @private
   * @param {number} port
   */
  constructor(port) {
    this.port = port;
  }

  /**
   * Starts a server on a free port; resolves once it accepts connections.
   * @returns {Promise<RedisServer>}
   */
  static async start() {
    const server = new RedisServer(await freePort());
    await server.resume();
    return server;
  }

  /** @returns {string} */
  get url() {
    return `redis://127.0.0.1:${this.port}`;
  }

  /**
   * Starts (again) on the same port; resolves once it accepts connections.
   * @returns {Promise<void>}
   */
  resume() {
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.#child = child;
    return new Promise((resolve, reject) => {
      let output = '';
      child.stdout.on('data', (/** @type {Buffer} */ chunk) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) resolve();
      });
      child.once('exit', (code) =>
        reject(new Error(`redis-server exited with ${code}: ${output}`)),
      );
      child.once('error', reject);
    });
  }

  /**
   * Stops the server and waits for it to exit.
   * @returns {Promise<void>}
   */
  async stop() {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}
