import type { AccessTokenProvider } from '../token/access-token-provider.interface.js';
import type { OutOf, ShapeOut } from './option-checks.js';
import { FIT, WECOM_MEDIA_EXTRAS, WECOM_MEDIA_OPTIONS } from './option-table.js';
import type { SuiteCredentials } from './wecom-media-options.js';

type Table = (typeof WECOM_MEDIA_OPTIONS)['fields'];
/** The table's options with their defaults, less those resolved into something else below. */
type Defaulted = Omit<
  ShapeOut<Table>,
  | 'corpSecret'
  | 'tokenProvider'
  | 'secretFor'
  | 'suite'
  | 'maxConcurrentCalls'
  | 'maxQueuedCalls'
  | 'ca'
>;

/**
 * The options every provider reads: checked, every default filled in (from the option table),
 * and what the module derives from them.
 */
export interface ResolvedWecomMediaOptions extends Defaulted {
  /** Where tokens come from. */
  credentials: ResolvedCredentials;
  /** After a shared-store failure, how long this process uses its own memory before asking again. */
  storeRetryAfterMs: number;
  /** The token refresh lock, derived from `timeoutMs` (see {@link resolveOptions}). */
  tokenLock: { leaseMs: number; waitMs: number };
  /** Calls to WeCom at once per corp in this process, and the longest line behind them. */
  concurrency: { perCorp: number; maxQueued: number };
  /** Extra certificate authorities (PEM), added to Node's roots; undefined for Node's alone. */
  ca: Array<string | Buffer> | undefined;
}

/** Where tokens come from: one of the four ways the options offer. */
export type ResolvedCredentials =
  | { kind: 'secret'; corpSecret: string }
  | { kind: 'tokenProvider'; tokenProvider: AccessTokenProvider }
  | { kind: 'secretFor'; secretFor: (corpId: string) => string | Promise<string> }
  | { kind: 'suite'; suite: SuiteCredentials };

/** The upload controller's settings with their defaults (the `controller` extra, when on). */
export type ResolvedControllerOptions = Exclude<
  OutOf<(typeof WECOM_MEDIA_EXTRAS)['fields']['controller']>,
  false
>;

/** A `fit` setting with every default filled in. */
export type ResolvedFit = Exclude<OutOf<typeof FIT>, false>;

/** The extras' keys: given from forRootAsync's factory they would be silently ignored. */
const EXTRAS = Object.keys(WECOM_MEDIA_EXTRAS.fields);

/**
 * Every problem with `raw` as options of the module, in words; secrets are described, never
 * quoted. Runs at start-up, so that a bad configuration fails the boot.
 */
function optionProblems(raw: unknown): string[] {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return ['options must be an object'];
  }
  const extras = Object.keys(raw).filter((key) => EXTRAS.includes(key));
  const rest = Object.fromEntries(Object.entries(raw).filter(([key]) => !EXTRAS.includes(key)));
  return [
    ...extras.map(
      (key) => `${key} is an extra: give it to forRootAsync itself, not from the factory`,
    ),
    ...WECOM_MEDIA_OPTIONS.problems(rest, ''),
  ];
}

/**
 * Checks `raw` (throwing one error that lists every problem, never quoting a secret) and fills in
 * every default.
 */
export function resolveOptions(raw: unknown): ResolvedWecomMediaOptions {
  const problems = optionProblems(raw);
  if (problems.length > 0) {
    throw new Error(`WecomMediaModule options are invalid:\n - ${problems.join('\n - ')}`);
  }
  const {
    corpSecret,
    tokenProvider,
    secretFor,
    suite,
    maxConcurrentCalls,
    maxQueuedCalls,
    ca,
    ...o
  } = WECOM_MEDIA_OPTIONS.resolve(raw as never);
  return {
    ...o,
    credentials: tokenProvider
      ? { kind: 'tokenProvider', tokenProvider }
      : secretFor
        ? { kind: 'secretFor', secretFor }
        : suite
          ? { kind: 'suite', suite: suite as SuiteCredentials }
          : { kind: 'secret', corpSecret: corpSecret as string },
    baseUrl: o.baseUrl.replace(/\/+$/, ''),
    storeRetryAfterMs: 1_000,
    // The lease outlasts one gettoken request, so that a live holder never loses the lock
    // mid-request; waiters give the holder that request plus a little before fetching their own.
    tokenLock: { leaseMs: o.timeoutMs + 1_000, waitMs: o.timeoutMs + 3_000 },
    concurrency: { perCorp: maxConcurrentCalls, maxQueued: maxQueuedCalls },
    ca:
      ca === undefined ? undefined : typeof ca === 'string' || Buffer.isBuffer(ca) ? [ca] : [...ca],
  };
}

/** A call's `metadata`, checked as the option is. */
export function callMetadata(metadata: unknown): 'strip-location' | 'keep' {
  const [problem] = WECOM_MEDIA_OPTIONS.fields.metadata.problems(metadata, 'metadata');
  if (problem) throw new TypeError(problem);
  return metadata as 'strip-location' | 'keep';
}
