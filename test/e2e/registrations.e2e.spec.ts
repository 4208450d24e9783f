import { Module } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { WecomMediaModule, type WecomMediaModuleOptions } from '../../lib/index.js';
import { bootRootApp, emulatorSuite, type TestApp } from '../helpers/wecom-test-app.js';

// The quick start's module plus an own-endpoint recipe's `forRoot` in another module: two
// registrations, two token caches and two call limits for one corp. The boot says so, once.
describe('the module registered twice in one app', () => {
  const s = emulatorSuite({ app: false });
  const options = (over: Partial<WecomMediaModuleOptions> = {}) =>
    ({
      corpId: s.emulator.corpId,
      corpSecret: s.emulator.corpSecret,
      baseUrl: s.emulator.url,
      warmUp: false,
      ...over,
    }) as WecomMediaModuleOptions;

  /** The warnings about registrations that `t` logged. */
  const warnings = (t: TestApp) =>
    t.logs.lines.filter((l) => l.startsWith('[warn]') && l.includes('registered'));

  /** Boots AppModule importing `appImports`, and ProductsModule importing `productImports`. */
  async function boot(appImports: unknown[], productImports: unknown[]): Promise<TestApp> {
    @Module({ imports: productImports as never[] })
    class ProductsModule {}
    @Module({ imports: [...(appImports as never[]), ProductsModule] })
    class AppModule {}
    return bootRootApp({ imports: [AppModule] });
  }

  it('warns once at boot, naming both importing modules and the corp', async () => {
    const t = await boot(
      [WecomMediaModule.forRoot(options())],
      [WecomMediaModule.forRoot(options())],
    );
    try {
      const found = warnings(t);
      expect(found).toHaveLength(1);
      expect(found[0]).toContain('AppModule');
      expect(found[0]).toContain('ProductsModule');
      expect(found[0]).toContain(s.emulator.corpId);
      expect(found[0]).toContain('isGlobal');
    } finally {
      await t.close();
    }
  });

  it('names the module that declared a global registration, not every module it reaches', async () => {
    const t = await boot(
      [WecomMediaModule.forRoot({ ...options(), isGlobal: true })],
      [WecomMediaModule.forRootAsync({ useFactory: () => options() })],
    );
    try {
      const [found] = warnings(t);
      expect(warnings(t)).toHaveLength(1);
      expect(found).toMatch(/imported by AppModule\b(?!, ProductsModule)/);
      expect(found).toMatch(/imported by ProductsModule\b/);
    } finally {
      await t.close();
    }
  });

  it('one registration logs none, even imported by two modules', async () => {
    const wecom = WecomMediaModule.forRoot(options());
    const t = await boot([wecom], [wecom]);
    try {
      expect(warnings(t)).toEqual([]);
    } finally {
      await t.close();
    }
  });

  it('two registrations for two corps log none: nothing is shared between them', async () => {
    const t = await boot(
      [WecomMediaModule.forRoot(options())],
      [WecomMediaModule.forRoot(options({ corpId: 'wwanothercorp' }))],
    );
    try {
      expect(warnings(t)).toEqual([]);
    } finally {
      await t.close();
    }
  });
});
