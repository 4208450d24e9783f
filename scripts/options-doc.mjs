// Writes docs/options.md from the option table (lib/options/option-table.ts): each option's doc
// comment from the source, its check's words and its default from the built table (dist/).
// `npm run docs:options` writes the file; test/docs/options-doc.spec.ts fails when it is stale.
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const TABLE_SOURCE = join(root, 'lib', 'options', 'option-table.ts');

/** @typedef {{ file: ts.SourceFile, node: ts.Expression }} Found An expression and its file. */
/** @typedef {{ file: ts.SourceFile, literal: ts.ObjectLiteralExpression }} Literal */

/** @type {Map<string, ts.SourceFile>} */
const parsed = new Map();

/**
 * The parsed source file at `path`.
 * @param {string} path
 * @returns {Promise<ts.SourceFile>}
 */
async function parse(path) {
  let file = parsed.get(path);
  if (!file) {
    file = ts.createSourceFile(path, await readFile(path, 'utf8'), ts.ScriptTarget.Latest, true);
    parsed.set(path, file);
  }
  return file;
}

/**
 * The initializer of the top-level const `name` of `file`, or of the file it imports it from.
 * @param {ts.SourceFile} file
 * @param {string} name
 * @returns {Promise<Found | undefined>}
 */
async function declared(file, name) {
  for (const statement of file.statements) {
    if (ts.isVariableStatement(statement)) {
      for (const d of statement.declarationList.declarations) {
        if (ts.isIdentifier(d.name) && d.name.text === name && d.initializer) {
          return { file, node: d.initializer };
        }
      }
    }
    // `import { name } from './x.js'` or `export { name } from './x.js'`
    const bindings = ts.isImportDeclaration(statement)
      ? statement.importClause?.namedBindings
      : ts.isExportDeclaration(statement)
        ? statement.exportClause
        : undefined;
    if (
      bindings &&
      (ts.isNamedImports(bindings) || ts.isNamedExports(bindings)) &&
      bindings.elements.some((e) => e.name.text === name) &&
      (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) &&
      statement.moduleSpecifier &&
      ts.isStringLiteral(statement.moduleSpecifier) &&
      statement.moduleSpecifier.text.startsWith('.')
    ) {
      const path = join(
        dirname(file.fileName),
        statement.moduleSpecifier.text.replace(/\.js$/, '.ts'),
      );
      return declared(await parse(path), name);
    }
  }
  return undefined;
}

/**
 * The object literal that declares the fields of `found`: shape({…}), toggle(shape({…})), a const
 * or a helper function that makes one, or `{ ...SHAPE, … }`; followed across the table's files.
 * @param {Found | undefined} found
 * @returns {Promise<Literal | undefined>}
 */
async function fieldsOf(found) {
  if (!found) return undefined;
  const { file, node } = found;
  if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node)) {
    return fieldsOf({ file, node: node.expression });
  }
  if (ts.isIdentifier(node)) return fieldsOf(await declared(file, node.text));
  if (ts.isObjectLiteralExpression(node)) {
    const spread = node.properties.find(ts.isSpreadAssignment);
    return spread ? fieldsOf({ file, node: spread.expression }) : undefined;
  }
  if (!ts.isCallExpression(node) || !ts.isIdentifier(node.expression)) return undefined;
  const callee = node.expression.text;
  const [first] = node.arguments;
  if (callee === 'shape') {
    return first && ts.isObjectLiteralExpression(first) ? { file, literal: first } : undefined;
  }
  if (callee === 'toggle' || callee === 'whenGiven')
    return first && fieldsOf({ file, node: first });
  // A helper of the file that returns a shape (mediaTypeRule).
  const helper = await declared(file, callee);
  return helper && ts.isArrowFunction(helper.node) && !ts.isBlock(helper.node.body)
    ? fieldsOf({ file: helper.file, node: helper.node.body })
    : undefined;
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
 * fields below it. A spread of fields (`...CREDENTIAL_OPTIONS`) lists them at the same level.
 * @param {Literal} level
 * @param {Record<string, Check>} checks
 * @param {string} prefix
 * @param {number} depth
 * @returns {Promise<string[]>}
 */
async function entries({ file, literal }, checks, prefix, depth) {
  const out = [];
  for (const property of literal.properties) {
    if (ts.isSpreadAssignment(property)) {
      const spread = await declared(file, property.expression.getText(file));
      if (spread && ts.isObjectLiteralExpression(spread.node)) {
        out.push(
          ...(await entries({ file: spread.file, literal: spread.node }, checks, prefix, depth)),
        );
      }
      continue;
    }
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
    const inner = await fieldsOf({ file, node: property.initializer });
    if (inner && check.fields)
      out.push(...(await entries(inner, check.fields, `${name}.`, depth + 1)));
  }
  return out;
}

/**
 * The whole of docs/options.md, from the source and the built table.
 * @returns {Promise<string>}
 */
export async function renderOptionsDoc() {
  const file = await parse(TABLE_SOURCE);
  /** @type {Record<string, { fields: Record<string, Check> }>} */
  const table = await import(pathToFileURL(join(root, 'dist', 'options', 'option-table.js')).href);
  /** @type {(name: string, title: string, intro: string) => Promise<string[]>} */
  const section = async (name, title, intro) => {
    const level = await fieldsOf(await declared(file, name));
    const built = table[name];
    if (!level || !built) throw new Error(`no fields found for ${name}`);
    return [`## ${title}`, '', wrap(intro), '', ...(await entries(level, built.fields, '', 0)), ''];
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
    ...(await section(
      'WECOM_MEDIA_OPTIONS',
      'Options',
      'Give exactly one way of getting tokens: `corpSecret` (with `corpId`), `tokenProvider` (with `corpId`), `secretFor` or `suite`.',
    )),
    ...(await section(
      'WECOM_MEDIA_EXTRAS',
      'Extras',
      'Given to `forRoot` and `forRootAsync` themselves (not from the factory): they are needed when the module is defined.',
    )),
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await writeFile(join(root, 'docs', 'options.md'), await renderOptionsDoc());
}
