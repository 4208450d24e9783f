import type { IncomingMessage } from 'node:http';
import { linkSignals } from '../client/abort.js';
import { AttachmentRuleError } from '../errors/attachment-rule.error.js';
import {
  AttachmentSourceError,
  type AttachmentSourceReason,
} from '../errors/attachment-source.error.js';
import { EN_MESSAGES, ruleError as ruleErrorOf, type Messages } from '../messages/index.js';
import type { Violation } from '../rules/violation.interface.js';
import type { TempDirectory } from './temp-directory.js';
import { describeUrl, filenameOf } from './url-parts.js';
import type { UrlPolicy } from './url-policy.js';
import { requestHop } from './url-request.js';
import { codeOf, resolveTarget, type HostLookup } from './url-target.js';
import { maxSizeViolation, redirectsViolation } from './url-violations.js';

export { describeUrl } from './url-parts.js';

/** How {@link downloadUrl} fetches a URL. */
export interface UrlDownloadOptions {
  /** The hosts that may be fetched from, at every hop. */
  policy: UrlPolicy;
  /** The whole download (every hop, headers and body), in milliseconds. */
  timeoutMs: number;
  /** Redirects followed at most. */
  maxRedirects: number;
  /**
   * Bytes to keep: a Content-Length above it is refused from the headers; a body without one is
   * cut here (exceeded: true).
   */
  maxBytes: number;
  /** Where the body is spooled. */
  temp: TempDirectory;
  /** Aborts the download. */
  signal?: AbortSignal;
  /** Extra CAs (PEM) besides Node's roots. */
  ca?: ReadonlyArray<string | Buffer>;
  /** The language of the violations. */
  messages?: Messages;
  /** For tests: replaces dns.lookup. */
  lookup?: HostLookup;
}

/** A downloaded body, spooled to the temp directory. */
export interface DownloadedFile {
  path: string;
  /** Bytes written. */
  bytes: number;
  /** True when the body (without a Content-Length) held more than `maxBytes` and was cut there. */
  exceeded: boolean;
  /** From the last URL's decoded path (base name), '' when none. */
  filename: string;
  remove(): Promise<void>;
}

const REDIRECTS: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/** Where a download stands, for naming what failed. */
interface Progress {
  /** The URL the caller gave. */
  readonly start: URL;
  /** The URL of the current hop. */
  url: URL;
  response?: IncomingMessage;
  /** True once the body of the final answer is being read. */
  inBody: boolean;
}

/**
 * Downloads `url` into the temp directory, refusing before any request a scheme, a host or an
 * address the policy does not allow, at every redirect, and connecting to the very address checked.
 * Every failure removes the spooled file.
 *
 * @throws AttachmentRuleError for a rule broken (`url-*`, `max-size` from the Content-Length).
 * @throws AttachmentSourceError (kind `url`) when the download itself failed.
 */
export async function downloadUrl(url: URL, options: UrlDownloadOptions): Promise<DownloadedFile> {
  const linked = linkSignals([options.signal], options.timeoutMs);
  const progress: Progress = { start: url, url, inBody: false };
  try {
    return await follow(progress, options, linked.signal);
  } catch (error) {
    throw failure(error, progress, options, linked.timedOut);
  } finally {
    progress.response?.destroy();
    linked.dispose();
  }
}

async function follow(
  progress: Progress,
  options: UrlDownloadOptions,
  signal: AbortSignal,
): Promise<DownloadedFile> {
  for (let redirects = 0; ; redirects++) {
    const target = await resolveTarget(progress.url, options.policy, options.lookup, signal);
    const response = await requestHop(progress.url, target, { signal, ca: options.ca });
    progress.response = response;
    if (!REDIRECTS.has(response.statusCode ?? 0)) {
      return receive(progress, response, options, signal);
    }
    response.destroy(); // a redirect's body is never read
    if (redirects >= options.maxRedirects) {
      throw ruleError(
        redirectsViolation(options.maxRedirects, progress.start, options.messages),
        options,
      );
    }
    progress.url = nextUrl(progress.url, response);
  }
}

/** Checks the final answer's head, then spools its body. */
async function receive(
  progress: Progress,
  response: IncomingMessage,
  options: UrlDownloadOptions,
  signal: AbortSignal,
): Promise<DownloadedFile> {
  const { url } = progress;
  if (response.statusCode !== 200) {
    throw sourceError('status', `${describeUrl(url)} answered HTTP ${response.statusCode}`);
  }
  const encoding = response.headers['content-encoding']?.trim().toLowerCase();
  if (encoding && encoding !== 'identity') {
    throw sourceError(
      'encoding',
      `${describeUrl(url)} answered with Content-Encoding ${token(encoding)}; only uncompressed bodies are downloaded`,
    );
  }
  const declared = declaredLength(response);
  if (declared !== undefined && declared > options.maxBytes) {
    throw ruleError(maxSizeViolation(options.maxBytes, declared, url, options.messages), options);
  }
  progress.inBody = true;
  const spooled = await options.temp.spool(response, options.maxBytes, signal);
  // Node already fails a body cut before its Content-Length (the spool throws, the file goes);
  // this check keeps the promise of never a short file without relying on that.
  if (declared !== undefined && spooled.bytes !== declared) {
    await spooled.remove();
    throw sourceError(
      'truncated',
      `${describeUrl(url)} ended after ${spooled.bytes} of ${declared} bytes`,
    );
  }
  return { ...spooled, filename: filenameOf(url) };
}

/** The URL a redirect points to, resolved against the current one. */
function nextUrl(current: URL, response: IncomingMessage): URL {
  const location = response.headers.location;
  // The Location is never quoted: it may carry a fresh signature.
  const bad = (): AttachmentSourceError =>
    sourceError(
      'status',
      `${describeUrl(current)} answered HTTP ${response.statusCode} without a valid Location`,
    );
  if (!location) throw bad();
  try {
    return new URL(location, current);
  } catch {
    throw bad();
  }
}

/** The Content-Length, if any (Node's parser has refused a malformed one already). */
function declaredLength(response: IncomingMessage): number | undefined {
  const header = response.headers['content-length'];
  return header === undefined ? undefined : Number(header);
}

/** What went wrong, as the error a caller branches on; a rule or source error passes as it is. */
function failure(
  error: unknown,
  progress: Progress,
  options: UrlDownloadOptions,
  timedOut: boolean,
): Error {
  if (error instanceof AttachmentRuleError || error instanceof AttachmentSourceError) return error;
  const where = describeUrl(progress.url);
  if (timedOut) {
    return sourceError('timeout', `${where} was not downloaded within ${options.timeoutMs} ms`);
  }
  // The caller gave up: its own reason, as for any other source (a client gone, a shutdown).
  if (options.signal?.aborted) return toError(options.signal.reason);
  if (progress.inBody) {
    return sourceError(
      'truncated',
      `${where} broke off before the end of its body: ${codeOf(error)}`,
    );
  }
  return sourceError('unreachable', `${where} could not be downloaded: ${codeOf(error)}`);
}

/** One violation as the error a caller catches, summed up in its locale. */
const ruleError = (
  violation: Violation,
  { messages = EN_MESSAGES }: UrlDownloadOptions,
): AttachmentRuleError => ruleErrorOf([violation], messages);

/** An abort reason as an error (a reason may be anything). */
const toError = (reason: unknown): Error =>
  reason instanceof Error
    ? reason
    : new AttachmentSourceError('url', 'aborted', 'the download was aborted');

const sourceError = (reason: AttachmentSourceReason, message: string): AttachmentSourceError =>
  new AttachmentSourceError('url', reason, message);

/** A header value fit to quote: a short token, else a placeholder. */
const token = (value: string): string => (/^[\w.,\s-]{1,40}$/.test(value) ? value : 'an encoding');
