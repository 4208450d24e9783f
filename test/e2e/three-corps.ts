import {
  AttachmentType,
  MediaType,
  type AttachmentInput,
  type SuiteCredentials,
} from '../../lib/index.js';
import type {
  EmulatorSuite,
  WecomEmulator,
  WecomEmulatorOptions,
} from '../../lib/testing/index.js';
import { makePng } from '../helpers/media-bytes.mjs';

// What the many-corps specs share: three corps a service provider serves, each with its own 代开发
// secret, and each authorised for the provider's third-party app with its own permanent code.

export const CORPS = ['wwcorpalpha000001', 'wwcorpbeta0000002', 'wwcorpgamma000003'] as const;
export const [A, B, C] = CORPS;
export const secretOf = (corp: string) => `secret-of-${corp}`;
export const codeOf = (corp: string) => `permanent-code-of-${corp}`;
export const SUITE: EmulatorSuite = {
  suiteId: 'wwsuite000000001',
  suiteSecret: 'suite-secret-0001',
  suiteTicket: 'ticket-0001',
  permanentCodes: Object.fromEntries(CORPS.map((c) => [c, codeOf(c)])),
};

/** An emulator that knows the three corps' apps and the suite. */
export const THREE_CORPS: WecomEmulatorOptions = {
  apps: CORPS.map((corpId) => ({ corpId, corpSecret: secretOf(corpId) })),
  suites: [SUITE],
};

/** The app's credentials for SUITE: the current ticket and each corp's code, unless told otherwise. */
export const suiteCredentials = (over: Partial<SuiteCredentials> = {}): SuiteCredentials => ({
  suiteId: SUITE.suiteId,
  suiteSecret: SUITE.suiteSecret,
  suiteTicket: () => SUITE.suiteTicket,
  permanentCode: codeOf,
  ...over,
});

export const png = makePng(64, 48);
export const input = (over: Partial<AttachmentInput> = {}): AttachmentInput =>
  ({
    file: png,
    filename: 'product.png',
    mediaType: MediaType.Image,
    attachmentType: AttachmentType.ProductAlbum,
    ...over,
  }) as AttachmentInput;

/** Whose access token each successful upload carried, as the emulator saw it. */
export const uploadsByCorp = (emulator: WecomEmulator) =>
  emulator.uploads
    .filter((u) => u.errcode === 0)
    .reduce<Record<string, number>>((n, u) => ({ ...n, [u.corpId!]: (n[u.corpId!] ?? 0) + 1 }), {});
