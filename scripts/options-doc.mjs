// Writes docs/options.md from the option table (lib/options/option-table.ts): each option's doc
// comment from the source, its check's words and its default from the built table (dist/).
// `npm run docs:options` writes the file; test/docs/options-doc.spec.ts fails when it is stale.
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const TABLE_SOURCE = join(root, 'lib', 'options', 'option-table.ts');

/**
 * The object literal that declares the fields of `expr`: shape({…}), toggle(shape({…})), a const
 * or a function of the file that makes one, or `{ ...SHAPE, … }`.
 * @param {ts.SourceFile} file
 * @param {ts.Expression | undefined} expr
 * @returns {ts.ObjectLiteralExpression | undefined}
 */
function fieldsOf(file, expr) {
  if (!expr) return undefined;
  if (ts.isParenthesizedExpression(expr) || ts.isAsExpression(expr))
    return fieldsOf(file, expr.expression);
  if (ts.isIdentifier(expr)) return fieldsOf(file, declared(file, expr.text));
  if (ts.isObjectLiteralExpression(expr)) {
    const spread = expr.properties.find(ts.isSpreadAssignment);
    return spread ? fieldsOf(file, spread.expression) : undefined;
  }
  if (!ts.isCallExpression(expr) || !ts.isIdentifier(expr.expression)) return undefined;
  const callee = expr.expression.text;
  if (callee === 'shape') {
    const [fields] = expr.arguments;
    return fields && ts.isObjectLiteralExpression(fields) ? fields : undefined;
  }
  if (callee === 'toggle' || callee === 'whenGiven') return fieldsOf(file, expr.arguments[0]);
  // A helper of the file that returns a shape (mediaTypeRule).
  const helper = declared(file, callee);
  return helper && ts.isArrowFunction(helper) && !ts.isBlock(helper.body)
    ? fieldsOf(file, helper.body)
    : undefined;
}

/**
 * The initializer of the file's top-level const `name`.
 * @param {ts.SourceFile} file
 * @param {string} name
 * @returns {ts.Expression | undefined}
 */
function declared(file, name) {
  for (const statement of file.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const d of statement.declarationList.declarations) {
      if (ts.isIdentifier(d.name) && d.name.text === name) return d.initializer;
    }
  }
  return undefined;
}

/**
 * A property's doc comment, as one paragraph.
 * @param {ts.Node} property
 */
function docOf(property) {
  const text = ts
    .getJSDocCommentsAndTags(property)
    .filter(ts.isJSDoc)
    .map((doc) =>
      typeof doc.comment === 'string' ? doc.comment : (ts.getTextOfJSDocComment(doc.comment) ?? ''),
    )
    .join(' ');
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Words wrapped at 100 columns, the first line after `first`, the others after `rest`.
 * @param {string} text
 */
function wrap(text, first = '', rest = '') {
  const lines = [];
  let line = first;
  for (const word of text.split(' ')) {
    if (line.length > first.length && line.length + word.length + 1 > 100) {
      lines.push(line);
      line = rest + word;
    } else
      line = line.length > (lines.length ? rest : first).length ? `${line} ${word}` : line + word;
  }
  lines.push(line);
  return lines.join('\n');
}

/**
 * A check of the built table, as far as the docs read it.
 * @typedef {{ expects: string, shownDefault?: string, fields?: Record<string, Check> }} Check
 */

/**
 * The entries of one level of options: `name — doc`, what it takes and its default, and its own
 * fields below it.
 * @param {ts.SourceFile} file
 * @param {ts.ObjectLiteralExpression} literal
 * @param {Record<string, Check>} checks
 * @param {string} prefix
 * @param {number} depth
 * @returns {string[]}
 */
function entries(file, literal, checks, prefix, depth) {
  const out = [];
  for (const property of literal.properties) {
    if (!ts.isPropertyAssignment(property)) continue;
    const key = property.name.getText(file).replace(/^'|'$/g, '');
    const check = checks[key];
    if (!check)
      throw new Error(`${prefix}${key} is in the source but not in the built table: build first`);
    const name = `${prefix}${key}`;
    const facts = [`takes ${check.expects}`];
    if (check.shownDefault !== undefined) facts.push(`default ${check.shownDefault}`);
    const indent = '  '.repeat(depth);
    out.push(
      wrap(
        `\`${name}\` — ${docOf(property)} _(${facts.join('; ')})_`,
        `${indent}- `,
        `${indent}  `,
      ),
    );
    const inner = fieldsOf(file, property.initializer);
    if (inner && check.fields)
      out.push(...entries(file, inner, check.fields, `${name}.`, depth + 1));
  }
  return out;
}

/**
 * The whole of docs/options.md, from the source and the built table.
 * @returns {Promise<string>}
 */
export async function renderOptionsDoc() {
  const source = await readFile(TABLE_SOURCE, 'utf8');
  const file = ts.createSourceFile(TABLE_SOURCE, source, ts.ScriptTarget.Latest, true);
  /** @type {Record<string, { fields: Record<string, Check> }>} */
  const table = await import(pathToFileURL(join(root, 'dist', 'options', 'option-table.js')).href);
  /** @type {(name: string, title: string, intro: string) => string[]} */
  const section = (name, title, intro) => {
    const literal = fieldsOf(file, declared(file, name));
    const built = table[name];
    if (!literal || !built) throw new Error(`no fields found for ${name}`);
    return [`## ${title}`, '', wrap(intro), '', ...entries(file, literal, built.fields, '', 0), ''];
  };
  return [
    '# Options',
    '',
    '<!-- Generated by `npm run docs:options` from lib/options/option-table.ts; do not edit. -->',
    '',
    wrap(
      "Every option of `WecomMediaModule.forRoot` (and of what `forRootAsync`'s factory returns), each declared once in " +
        'lib/options/option-table.ts: its doc comment, its check and its default. The module checks them at start-up and ' +
        'fails the boot with every problem listed, never quoting a secret; an unknown key, at any level, is a problem too.',
    ),
    '',
    ...section(
      'WECOM_MEDIA_OPTIONS',
      'Options',
      'Give exactly one way of getting tokens: `corpSecret` (with `corpId`), `tokenProvider` (with `corpId`), `secretFor` or `suite`.',
    ),
    ...section(
      'WECOM_MEDIA_EXTRAS',
      'Extras',
      'Given to `forRoot` and `forRootAsync` themselves (not from the factory): they are needed when the module is defined.',
    ),
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await writeFile(join(root, 'docs', 'options.md'), await renderOptionsDoc());
}
