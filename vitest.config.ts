import { fileURLToPath } from 'node:url';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

const lib = (path: string): string => fileURLToPath(new URL(`./lib/${path}`, import.meta.url));

// SWC compiles the tests so that Nest's decorators get their design-time metadata.
export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' } })],
  // The sample imports the package by name; in tests that name means the sources, not dist.
  resolve: {
    alias: [
      { find: /^nestjs-wecom-media\/testing$/, replacement: lib('testing/index.ts') },
      { find: /^nestjs-wecom-media\/health$/, replacement: lib('operations/health/index.ts') },
      { find: /^nestjs-wecom-media$/, replacement: lib('index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.spec.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    coverage: {
      provider: 'v8',
      include: ['lib/**/*.ts'],
      reporter: ['text-summary', 'lcov'],
    },
  },
});
