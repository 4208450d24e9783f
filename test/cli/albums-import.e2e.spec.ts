import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePng } from '../helpers/media-bytes.mjs';
import { RedisServer, requireRedisServer } from '../helpers/redis-server.mjs';
import { scratchDir } from '../helpers/scratch-dir.js';
import { emulatorSuite } from '../helpers/wecom-test-app.js';

const run = promisify(execFile);
const cli = join(import.meta.dirname, '..', '..', 'dist', 'publishing', 'cli', 'main.js');

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** A catalogue as spreadsheets write it: a BOM, quotes, a comma and Chinese text in a field. */
const CSV = [
  '\uFEFFproduct_sn,description,price,images',
  'SN1,"春季新款, 连衣裙 ""限量""",199.00,photo-1.png|photo-2.png',
  'SN2,Shirt,12.345,photo-1.png',
  'SN3,Hat,20,no-such-photo.png',
].join('\r\n');

describe('wecom-media albums import, against the emulator', () => {
  const s = emulatorSuite({ app: false });
  const dir = scratchDir();
  /** Runs the built CLI (asynchronously: the emulator answers from this process). */
  const wecomMedia = async (args: string[], env: Record<string, string> = {}): Promise<CliRun> => {
    const wecom = {
      WECOM_CORP_ID: s.emulator.corpId,
      WECOM_CORP_SECRET: s.emulator.corpSecret,
      WECOM_BASE_URL: s.emulator.url,
    };
    const options = { env: { PATH: process.env.PATH, ...wecom, ...env }, cwd: dir.path };
    return run(process.execPath, [cli, ...args], options).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
  };
  beforeAll(async () => {
    for (const n of [1, 2]) await writeFile(join(dir.path, `photo-${n}.png`), makePng(40 + n, 30));
  });

  it('checks every row and photo in a dry run, and sends no request at all', async () => {
    await writeFile(join(dir.path, 'dry.csv'), CSV);
    const { code, stdout } = await wecomMedia(['albums', 'import', 'dry.csv', '--dry-run']);
    expect(code).toBe(1);
    expect(stdout).toContain('checked SN1 (row 1)');
    expect(stdout).toMatch(/failed SN2 \(row 2\): .*got 12\.345 yuan/);
    expect(stdout).toMatch(/failed SN3 \(row 3\): images\[0\]: AttachmentSourceError/);
    expect(stdout).toContain('3 albums: 1 ready, 0 existed, 2 failed');
    expect(s.emulator.requests).toEqual([]);
    expect(existsSync(join(dir.path, 'dry.csv.wecom-media.json'))).toBe(false);
  });

  it('creates what it can, lists the rest (exit 1), and creates nothing new when run again', async () => {
    await writeFile(join(dir.path, 'shop.csv'), CSV);
    const first = await wecomMedia(['albums', 'import', 'shop.csv', '--concurrency', '2']);
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(/created SN1 \(row 1\) → \S+/);
    expect(first.stdout).toMatch(/failed:\n {2}failed SN2[^\n]*\n {2}failed SN3/);
    expect(s.emulator.albums.map((a) => a.description)).toEqual(['春季新款, 连衣裙 "限量"']);
    expect(s.emulator.albums[0]?.price).toBe(19_900);
    const calls = s.emulator.requests.length;
    const again = await wecomMedia(['albums', 'import', 'shop.csv']);
    expect(again.stdout).toContain('existed SN1 (row 1)');
    expect(s.emulator.requests.length).toBe(calls);
    // Fixed rows go through on the next run; the album made stays the only one of its key.
    await writeFile(
      join(dir.path, 'shop.csv'),
      CSV.replace('12.345', '12.34').replace('no-such-photo', 'photo-2'),
    );
    const fixed = await wecomMedia(['albums', 'import', 'shop.csv']);
    expect(fixed).toMatchObject({ code: 0 });
    expect(fixed.stdout).toContain('3 albums: 2 created, 1 existed, 0 failed');
    expect(s.emulator.albums.map((a) => [a.productSn, a.price])).toEqual([
      ['SN1', 19_900],
      ['SN2', 1_234],
      ['SN3', 2_000],
    ]);
  });

  it('takes JSON, says which row changed since its album was made, and exits 0', async () => {
    const albums = [
      { key: 'k-1', description: '衬衫', priceFen: 1000, images: ['photo-1.png'] },
      { productSn: 'SN9', description: 'Hat', price: 5, images: ['photo-2.png'] },
    ];
    await writeFile(join(dir.path, 'shop.json'), JSON.stringify({ albums }));
    expect((await wecomMedia(['albums', 'import', 'shop.json'])).code).toBe(0);
    albums[1] = { ...albums[1], price: 6 } as (typeof albums)[1];
    await writeFile(join(dir.path, 'shop.json'), JSON.stringify(albums));
    const again = await wecomMedia(['albums', 'import', 'shop.json']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('existed SN9 (row 2) → ');
    expect(again.stdout).toContain('changed since: not updated');
    expect(s.emulator.albums).toHaveLength(2);
  });

  it('exits 2 on a wrong command, a catalogue it cannot read, or no credentials', async () => {
    const cases: Array<[string[], Record<string, string>, RegExp]> = [
      [['albums', 'export', 'x.csv'], {}, /unknown command: albums export x\.csv/],
      [['albums', 'import', 'missing.csv'], {}, /cannot read the catalogue missing\.csv: ENOENT/],
      [
        ['albums', 'import', 'shop.csv', '--concurrency', '0'],
        {},
        /--concurrency must be .* got 0/,
      ],
      [
        ['albums', 'import', 'shop.csv'],
        { WECOM_CORP_SECRET: '' },
        /set WECOM_CORP_ID and WECOM_CORP_SECRET/,
      ],
      [['upload', 'photo-1.png'], {}, /one of --moments or --album/],
    ];
    await writeFile(join(dir.path, 'broken.json'), '{ "albums": [');
    cases.push([['albums', 'import', 'broken.json'], {}, /not valid JSON/]);
    for (const [args, env, said] of cases) {
      const { code, stderr } = await wecomMedia(args, env);
      expect([args.join(' '), code, stderr]).toEqual([
        args.join(' '),
        2,
        expect.stringMatching(said),
      ]);
    }
    expect(s.emulator.requests).toEqual([]);
  });

  it('uploads one-off files (exit 1 when one fails)', async () => {
    const ok = await wecomMedia(['upload', 'photo-1.png', 'photo-2.png', '--album']);
    expect(ok.code).toBe(0);
    expect(ok.stdout.match(/uploaded photo-\d\.png → \S+ \(until \d{4}-/g)).toHaveLength(2);
    expect(s.emulator.uploads.map((u) => u.query.attachment_type)).toEqual(['2', '2']);
    const bad = await wecomMedia(['upload', 'photo-1.png', 'gone.png', '--moments']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/failed gone\.png: AttachmentSourceError/);
  });

  it('draws a progress bar on a terminal', async () => {
    await writeFile(
      join(dir.path, 'tty.json'),
      JSON.stringify([{ key: 't1', description: 'T', priceFen: 1, images: ['photo-1.png'] }]),
    );
    const command = `${process.execPath} ${cli} albums import tty.json`;
    const { stdout } = await run('script', ['-q', '-e', '-c', command, '/dev/null'], {
      cwd: dir.path,
      env: {
        ...process.env,
        WECOM_CORP_ID: s.emulator.corpId,
        WECOM_CORP_SECRET: s.emulator.corpSecret,
        WECOM_BASE_URL: s.emulator.url,
      },
    });
    expect(stdout).toMatch(/albums [█░]+ 1\/1 \| created 1 · existed 0 · failed 0/);
    expect(stdout).not.toContain('created t1 (row 1)');
  });
});

describe.skipIf(!requireRedisServer())('wecom-media albums import with WECOM_REDIS_URL', () => {
  const s = emulatorSuite({ app: false });
  const dir = scratchDir();
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await RedisServer.start();
    await writeFile(join(dir.path, 'photo.png'), makePng(50, 30));
  });
  afterAll(() => redis?.stop());

  it('remembers keys in Redis (no state file), so another machine running it makes nothing new', async () => {
    const catalogue = [
      { productSn: 'R1', description: 'Redis', priceFen: 100, images: ['photo.png'] },
    ];
    await writeFile(join(dir.path, 'redis.json'), JSON.stringify(catalogue));
    const env = {
      PATH: process.env.PATH,
      WECOM_CORP_ID: s.emulator.corpId,
      WECOM_CORP_SECRET: s.emulator.corpSecret,
      WECOM_BASE_URL: s.emulator.url,
      WECOM_REDIS_URL: redis.url,
    };
    const once = () =>
      run(process.execPath, [cli, 'albums', 'import', 'redis.json'], { cwd: dir.path, env });
    expect((await once()).stdout).toContain('1 albums: 1 created');
    expect((await once()).stdout).toContain('1 albums: 0 created, 1 existed');
    expect(s.emulator.albums).toHaveLength(1);
    expect(existsSync(join(dir.path, 'redis.json.wecom-media.json'))).toBe(false);
    const client = new Redis(redis.url);
    expect(await client.keys('wecom-media:publish:album:*')).toHaveLength(1);
    client.disconnect();
  });
});

describe('wecom-media with a third-party app (the suite variables)', () => {
  const corpId = 'wwsuitecorp00001';
  const suite = {
    suiteId: 'wwsuite0000001',
    suiteSecret: 'suite-secret',
    suiteTicket: 'ticket-1',
    permanentCodes: { [corpId]: 'permanent-1' },
  };
  const s = emulatorSuite({ app: false, emulator: { suites: [suite] } });
  const dir = scratchDir();

  it('gets the corp token through get_suite_token and get_corp_token', async () => {
    await writeFile(join(dir.path, 'photo.png'), makePng(40, 30));
    const env = {
      PATH: process.env.PATH,
      WECOM_BASE_URL: s.emulator.url,
      WECOM_CORP_ID: corpId,
      WECOM_SUITE_ID: suite.suiteId,
      WECOM_SUITE_SECRET: suite.suiteSecret,
      WECOM_SUITE_TICKET: suite.suiteTicket,
      WECOM_PERMANENT_CODE: 'permanent-1',
    };
    const { stdout } = await run(process.execPath, [cli, 'upload', 'photo.png', '--album'], {
      cwd: dir.path,
      env,
    });
    expect(stdout).toMatch(/uploaded photo\.png → \S+/);
    expect(s.emulator.requests.map((r) => r.api)).toEqual([
      'get_suite_token',
      'get_corp_token',
      'upload_attachment',
    ]);
    expect(s.emulator.uploads[0]?.corpId).toBe(corpId);
  });
});
