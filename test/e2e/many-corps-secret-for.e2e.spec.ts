import { beforeEach, describe, expect, it } from 'vitest';
import { AttachmentRuleError, WecomInvalidCredentialsError } from '../../lib/index.js';
import { bootApp, emulatorSuite } from '../helpers/wecom-test-app.js';
import { A, B, C, CORPS, input, secretOf, THREE_CORPS, uploadsByCorp } from './three-corps.js';

describe('代开发: secretFor, one secret per corp', () => {
  let asked: string[];
  const s = emulatorSuite({
    emulator: THREE_CORPS,
    app: {
      corpId: A,
      secretFor: async (corpId) => {
        asked.push(corpId);
        return secretOf(corpId);
      },
    },
  });
  beforeEach(() => {
    asked = [];
  });

  it('each upload goes out with its own corp’s token; without corpId, the default corp', async () => {
    await Promise.all([
      s.app.service.upload(input()),
      ...CORPS.map((corpId) => s.app.service.upload(input({ corpId }))),
      ...CORPS.map((corpId) => s.app.service.upload(input({ corpId }))),
    ]);
    expect(uploadsByCorp(s.emulator)).toEqual({ [A]: 3, [B]: 2, [C]: 2 });
    // One gettoken per corp, each with that corp's secret, and each secret asked for once.
    expect(
      s.emulator
        .callsOf('gettoken')
        .map((r) => r.corpId)
        .toSorted(),
    ).toEqual([...CORPS].toSorted());
    expect(asked.toSorted()).toEqual([...CORPS].toSorted());
  });

  it('one corp’s expired token: that corp refreshes once, the others make no call', async () => {
    await Promise.all(CORPS.map((corpId) => s.app.service.upload(input({ corpId }))));
    s.emulator.expireTokens(B);
    await Promise.all(
      CORPS.flatMap((corpId) => [1, 2, 3].map(() => s.app.service.upload(input({ corpId })))),
    );
    expect(s.emulator.callsOf('gettoken', A)).toHaveLength(1);
    expect(s.emulator.callsOf('gettoken', B)).toHaveLength(2);
    expect(s.emulator.callsOf('gettoken', C)).toHaveLength(1);
    expect(uploadsByCorp(s.emulator)).toEqual({ [A]: 4, [B]: 4, [C]: 4 });
  });

  it('one corp’s refused secret fails only its uploads, fast, and never in a loop', async () => {
    const broken = await bootApp(s.emulator, {
      secretFor: (corpId) => (corpId === B ? 'a-rotated-away-secret' : secretOf(corpId)),
    });
    try {
      const results = await Promise.allSettled(
        CORPS.flatMap((corpId) => [1, 2, 3].map(() => broken.service.upload(input({ corpId })))),
      );
      const failed = results.filter((r) => r.status === 'rejected');
      expect(failed).toHaveLength(3);
      for (const f of failed) {
        expect(f.reason).toBeInstanceOf(WecomInvalidCredentialsError);
        expect((f.reason as WecomInvalidCredentialsError).errcode).toBe(40001);
      }
      expect(s.emulator.callsOf('gettoken', B)).toHaveLength(1); // single-flight
      // Again: answered from the cool-down, WeCom not asked.
      const again = await broken.service.upload(input({ corpId: B })).catch((e: unknown) => e);
      expect(again).toMatchObject({ cached: true, errcode: 40001 });
      expect(s.emulator.callsOf('gettoken', B)).toHaveLength(1);
      expect(await broken.service.upload(input({ corpId: C }))).toMatchObject({ reused: false });
      expect(broken.logs.text).not.toContain('a-rotated-away-secret');
      expect(String(again)).not.toContain('a-rotated-away-secret');
    } finally {
      await broken.close();
    }
  });

  it('a secretFor that throws or returns nothing fails that corp only, and is asked again', async () => {
    let failing = true;
    const flaky = await bootApp(s.emulator, {
      secretFor: (corpId) => {
        if (corpId === B && failing) throw new Error('vault unreachable');
        return corpId === C && failing ? '' : secretOf(corpId);
      },
    });
    try {
      await expect(flaky.service.upload(input({ corpId: B }))).rejects.toThrow('vault unreachable');
      await expect(flaky.service.upload(input({ corpId: C }))).rejects.toThrow(
        "secretFor('wwcorpgamma000003') returned no credential",
      );
      await flaky.service.upload(input({ corpId: A }));
      failing = false;
      await flaky.service.upload(input({ corpId: B }));
      await flaky.service.upload(input({ corpId: C }));
      expect(uploadsByCorp(s.emulator)).toEqual({ [A]: 1, [B]: 1, [C]: 1 });
    } finally {
      await flaky.close();
    }
  });

  it('a malformed corpId is a corp-id violation, and nothing is sent', async () => {
    const error = await s.app.service
      .upload(input({ corpId: 'ww corp/../x' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AttachmentRuleError);
    expect((error as AttachmentRuleError).violations).toEqual([
      expect.objectContaining({ rule: 'corp-id', actual: 'ww corp/../x' }),
    ]);
    expect(await s.app.service.check(input({ corpId: '' }))).toEqual([
      expect.objectContaining({ rule: 'corp-id' }),
    ]);
    expect(s.emulator.requests).toHaveLength(0);
    expect(asked).toEqual([]);
  });

  it('the media-id cache never answers one corp with another corp’s media_id', async () => {
    const cached = await bootApp(s.emulator, {
      mediaCache: true,
      secretFor: (corpId) => secretOf(corpId),
    });
    try {
      const a1 = await cached.service.upload(input({ corpId: A }));
      const b1 = await cached.service.upload(input({ corpId: B }));
      const a2 = await cached.service.upload(input({ corpId: A }));
      const b2 = await cached.service.upload(input({ corpId: B }));
      expect(b1.reused).toBe(false);
      expect(b1.mediaId).not.toBe(a1.mediaId);
      expect(a2).toEqual({ ...a1, reused: true });
      expect(b2).toEqual({ ...b1, reused: true });
      expect(uploadsByCorp(s.emulator)).toEqual({ [A]: 1, [B]: 1 });
    } finally {
      await cached.close();
    }
  });
});

describe('one corp by its secret, as before', () => {
  const s = emulatorSuite({ app: false, emulator: THREE_CORPS });

  it('refuses an upload for another corp, naming both, before anything is sent', async () => {
    const app = await bootApp(s.emulator, { corpId: A, corpSecret: secretOf(A) });
    try {
      const error = await app.service.upload(input({ corpId: B })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AttachmentRuleError);
      expect(String(error)).toContain(`corp ${A} only, not of ${B}`);
      expect(s.emulator.requests).toHaveLength(0);
      await app.service.upload(input({ corpId: A }));
      expect(uploadsByCorp(s.emulator)).toEqual({ [A]: 1 });
    } finally {
      await app.close();
    }
  });
});
