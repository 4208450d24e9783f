/**
 * A check of one option: what a good value is, the problems of a given one, and the value with
 * its defaults filled in. The option table (option-table.ts) is built of these; validation at
 * boot, unknown keys at every level, the defaults and docs/options.md all come from it.
 *
 * @publicApi
 */
export interface Check<In, Out = In> {
  /** A good value, in words ("a positive number of milliseconds"), for messages and the docs. */
  readonly expects: string;
  /** The default, as the docs show it; undefined when there is none. */
  readonly shownDefault?: string;
  /** What is wrong with `value` at `at` (empty when nothing is). Never quotes a value it may not. */
  problems(value: unknown, at: string): string[];
  /** The (checked) value, or the default when it was not given. */
  resolve(value: In | undefined): Out;
}

/**
 * The value a check takes.
 *
 * @publicApi
 */
export type InOf<C> = C extends Check<infer In, unknown> ? In : never;

/**
 * The value a check resolves to, defaults filled in.
 *
 * @publicApi
 */
export type OutOf<C> = C extends Check<unknown, infer Out> ? Out : never;

/**
 * Fields of a shape: each a check.
 *
 * @publicApi
 */
export type Fields = Record<string, Check<never, unknown>>;

/**
 * The fields of `F` that must be given.
 *
 * @publicApi
 */
export type RequiredKeys<F> = {
  [K in keyof F]: F[K] extends { readonly required: true } ? K : never;
}[keyof F];

/**
 * Every field of `F`, optional, each with its field's doc comment.
 *
 * @publicApi
 */
export type OptionalFields<F> = { -readonly [K in keyof F]?: InOf<F[K]> };

/**
 * What a shape of `F` takes: each field with its field's doc comment, optional unless required.
 *
 * @publicApi
 */
export type ShapeIn<F> = Omit<OptionalFields<F>, RequiredKeys<F>> &
  Required<Pick<OptionalFields<F>, RequiredKeys<F>>>;

/**
 * What a shape of `F` resolves to: every field, with its default.
 *
 * @publicApi
 */
export type ShapeOut<F> = { -readonly [K in keyof F]: OutOf<F[K]> };

/** The longest delay Node's timers take (2^31 - 1 ms, about 24.8 days); a longer one fires at once. */
const MAX_TIMER_MS = 2_147_483_647;

/** What kind of value a setting got, without quoting it (it may be a secret). */
export const describeKind = (value: unknown): string =>
  value === null
    ? 'null'
    : Array.isArray(value)
      ? 'a list'
      : typeof value === 'string'
        ? value.trim() === ''
          ? 'an empty string'
          : 'a string'
        : `a ${typeof value}`;

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumber = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);

/** A check from its parts; `problem` says what is wrong with a given (not undefined) value. */
export function check<T, D extends T | undefined = undefined>(
  expects: string,
  problem: (value: unknown, at: string) => string | string[] | undefined,
  fallback?: D,
  shownDefault: string | undefined = fallback === undefined ? undefined : show(fallback),
): Check<T, D extends undefined ? T | undefined : T> {
  return {
    expects,
    shownDefault,
    problems: (value, at) => {
      if (value === undefined) return [];
      const found = problem(value, at);
      return found === undefined ? [] : Array.isArray(found) ? found : [found];
    },
    resolve: (value) => (value ?? fallback) as D extends undefined ? T | undefined : T,
  };
}

/** A duration in milliseconds that Node's timers take: positive, or with `orZero` 0 as well. */
export const ms = <D extends number | undefined = undefined>(
  fallback?: D,
  orZero = false,
  /** A floor above 0: no shorter wait is allowed (a retry's backoff). */
  least?: number,
) =>
  check<number, D>(
    least !== undefined
      ? `${least} or more milliseconds, at most ${MAX_TIMER_MS}`
      : orZero
        ? `0 or more, at most ${MAX_TIMER_MS}`
        : 'a positive number of milliseconds',
    (v, at) =>
      isNumber(v) && v >= (least ?? 0) && (orZero || v > 0) && v <= MAX_TIMER_MS
        ? undefined
        : least !== undefined
          ? `${at} must be ${least} or more milliseconds, at most ${MAX_TIMER_MS}; got ${String(v)}`
          : orZero
            ? `${at} must be 0 or more, at most ${MAX_TIMER_MS}; got ${String(v)}`
            : `${at} must be a positive number of milliseconds, at most ${MAX_TIMER_MS}; got ${String(v)}`,
    fallback,
  );

/** A whole number from `min` (and at most `max`). */
export const whole = <D extends number | undefined = undefined>(
  min: number,
  fallback?: D,
  max = Number.MAX_SAFE_INTEGER,
) =>
  check<number, D>(
    max === Number.MAX_SAFE_INTEGER ? `a whole number, ${min} or more` : `${min} to ${max}`,
    (v, at) =>
      Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max
        ? undefined
        : max === Number.MAX_SAFE_INTEGER
          ? `${at} must be a whole number, ${min} or more; got ${String(v)}`
          : `${at} must be a whole number from ${min} to ${max}; got ${String(v)}`,
    fallback,
  );

/** true or false. */
export const bool = <D extends boolean | undefined = undefined>(fallback?: D) =>
  check<boolean, D>(
    'true or false',
    (v, at) =>
      typeof v === 'boolean' ? undefined : `${at} must be true or false; got ${JSON.stringify(v)}`,
    fallback,
  );

/** One of `values`. */
export const oneOf = <const V extends string, D extends V | undefined = undefined>(
  values: readonly V[],
  fallback?: D,
) =>
  check<V, D>(
    values.map((v) => `'${v}'`).join(' or '),
    (v, at) =>
      values.includes(v as V)
        ? undefined
        : `${at} must be ${values.map((x) => `'${x}'`).join(' or ')}; got ${JSON.stringify(v)}`,
    fallback,
  );

/** A function; `expects` says what it must do. */
export const fn = <F extends (...args: never[]) => unknown>(expects: string) =>
  check<F>(`a function ${expects}`, (v, at) =>
    typeof v === 'function'
      ? undefined
      : `${at} must be a function ${expects}; got ${describeKind(v)}`,
  );

/** A non-empty string, described and never quoted when wrong: it may be a secret. */
export const secret = (expects: string) =>
  check<string>(expects, (v, at) =>
    typeof v === 'string' && v.trim() !== '' ? undefined : `${at} must be ${expects}`,
  );

/** `inner`, which must be given. */
export const required = <In, Out>(
  inner: Check<In, Out>,
): Check<In, Out> & { readonly required: true } => ({
  ...inner,
  required: true,
  problems: (value, at) =>
    value === undefined
      ? [`${at} must be ${inner.expects}; got undefined`]
      : inner.problems(value, at),
});

/** `inner`, resolved only when given: undefined stays undefined (a shape otherwise fills in its fields). */
export const whenGiven = <In, Out, X extends object>(
  inner: Check<In, Out> & X,
): Check<In, Out | undefined> & X => ({
  ...inner,
  resolve: (value) => (value === undefined ? undefined : inner.resolve(value)),
});

/** A positive number (not a duration). */
export const positive = <D extends number | undefined = undefined>(fallback?: D) =>
  check<number, D>(
    'a positive number',
    (v, at) =>
      isNumber(v) && v > 0 ? undefined : `${at} must be a positive number; got ${String(v)}`,
    fallback,
  );

/** A list whose items are each one of `values` (any number of them, none too). */
export const listOf = <const V extends string>(values: readonly V[]) =>
  check<readonly V[]>(`a list of ${values.join(', ')}`, (v, at) =>
    Array.isArray(v) && v.every((item) => values.includes(item as V))
      ? undefined
      : `${at} must be a list of ${values.join(', ')}; got ${JSON.stringify(v)}`,
  );

/**
 * An object of `fields`, each optional: unknown keys are problems, and so is what `also` says of
 * the whole (a rule between fields). Resolves every field, defaults included.
 */
export function shape<F extends Fields>(
  fields: F,
  also?: (value: Record<string, unknown>, at: string) => string[],
): Check<ShapeIn<F>, ShapeOut<F>> & { readonly fields: F } {
  const keys = Object.keys(fields);
  return {
    fields,
    expects: `{ ${keys.join(', ')} }`,
    problems(value, at) {
      if (value === undefined) return [];
      if (!isObject(value))
        return [`${at} must be { ${keys.join(', ')} }; got ${describeKind(value)}`];
      // The top level (`at` empty) names its keys alone, a typo quoted: unknown option "corpsecret".
      const path = (key: string): string => (at ? `${at}.${key}` : key);
      const problems = Object.keys(value)
        .filter((key) => !Object.hasOwn(fields, key))
        .map((key) => `unknown option ${at ? path(key) : JSON.stringify(key)}`);
      for (const key of keys)
        problems.push(...(fields[key]?.problems(value[key], path(key)) ?? []));
      // A rule between fields speaks of them as given: each guards its own types.
      if (also) problems.push(...also(value, at));
      return problems;
    },
    resolve(value) {
      const given: Record<string, unknown> = value ?? {};
      return Object.fromEntries(
        keys.map((key) => [key, fields[key]?.resolve(given[key] as never)]),
      ) as ShapeOut<F>;
    },
  };
}

/**
 * Off (false, the default), on with the shape's defaults (true), or on with some of them
 * (an object).
 */
export function toggle<F extends Fields>(
  inner: Check<ShapeIn<F>, ShapeOut<F>> & { readonly fields: F },
): Check<boolean | ShapeIn<F>, ShapeOut<F> | false> & { readonly fields: F } {
  return {
    fields: inner.fields,
    expects: `true, false or ${inner.expects}`,
    shownDefault: 'false',
    problems(value, at) {
      if (value === undefined || typeof value === 'boolean') return [];
      if (!isObject(value))
        return [`${at} must be true, false or ${inner.expects}; got ${describeKind(value)}`];
      return inner.problems(value, at);
    },
    resolve: (value) => (value ? inner.resolve(value === true ? undefined : value) : false),
  };
}

/** A value as the docs show a default. */
function show(value: unknown): string {
  return typeof value === 'string'
    ? `'${value}'`
    : Array.isArray(value)
      ? `[${value.join(', ')}]`
      : String(value);
}
