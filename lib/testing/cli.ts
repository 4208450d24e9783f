#!/usr/bin/env node
// `npx wecom-emulator [--port 8099] [--tls-key key.pem --tls-cert cert.pem]`: the WeCom emulator,
// on 127.0.0.1, as a process of its own, so that an app (not a test) can run against it. Prints
// the environment to run the app with, then one line per request, until Ctrl-C.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { describeRequest } from './request-line.js';
import { WecomEmulator } from './wecom-emulator.js';

/** A line to stdout (what a user reads and copies), or to stderr. */
const say = (line: string): boolean => process.stdout.write(`${line}\n`);
const complain = (line: string): boolean => process.stderr.write(`${line}\n`);

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8099' },
    'tls-key': { type: 'string' },
    'tls-cert': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  say(`usage: wecom-emulator [--port 8099] [--tls-key key.pem --tls-cert cert.pem]
  --port      0 picks a free port
  --tls-key   serve HTTPS with this PEM key and --tls-cert's certificate (which must name
  --tls-cert  127.0.0.1); the app must trust its CA (the module's ca option, or NODE_EXTRA_CA_CERTS)`);
  process.exit(0);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  complain(`--port must be a port number from 0 to 65535; got ${values.port}`);
  process.exit(2);
}

const { 'tls-key': keyFile, 'tls-cert': certFile } = values;
if ((keyFile === undefined) !== (certFile === undefined)) {
  complain('--tls-key and --tls-cert go together: give both for HTTPS, or neither');
  process.exit(2);
}
let tls: { key: Buffer; cert: Buffer } | undefined;
if (keyFile !== undefined && certFile !== undefined) {
  try {
    tls = { key: readFileSync(keyFile), cert: readFileSync(certFile) };
  } catch (error) {
    complain(`cannot read the TLS key or certificate: ${(error as Error).message}`);
    process.exit(2);
  }
}

let emulator: WecomEmulator;
try {
  emulator = await WecomEmulator.start({ port, tls });
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  complain(
    code === 'EADDRINUSE'
      ? `port ${port} is taken: pick another with --port (0 picks a free one)`
      : `the emulator did not start: ${String(error)}`, // a key that does not fit the cert, say
  );
  process.exit(1);
}

say(`WeCom emulator on ${emulator.url} (corp ${emulator.corpId}). Run your app with:

  WECOM_BASE_URL=${emulator.url} WECOM_CORP_ID=${emulator.corpId} WECOM_CORP_SECRET=${emulator.corpSecret}

and pass baseUrl: process.env.WECOM_BASE_URL to WecomMediaModule.${tls ? " The app must trust the\ncertificate's CA (the module's ca option, or NODE_EXTRA_CA_CERTS=<the CA file>)." : ''} Ctrl-C stops it.
`);

emulator.on('request', (r) => say(describeRequest(r)));

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void emulator.close().then(() => process.exit(0));
  });
}
