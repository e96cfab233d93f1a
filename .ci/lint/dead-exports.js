#!/usr/bin/env node
// Dead exports: an export of product code (index.ts, functions/, shared/, local/) that no file of the
// TypeScript program (tests included) imports and its own file does not use either: dead code, or a re-export
// nobody asks for (a re-export counts only when something imports it in turn). An export its own file uses
// (an options type in a signature, a helper) is only a wider surface than needed: `--all` lists those too,
// without failing. The only exceptions are the entry points a host loads by path (ENTRIES).
// Usage: node .ci/lint/dead-exports.js [--all] [dir]   (dir: a project with a tsconfig.json, the repo by default;
// exit 1 when a dead export is found)
'use strict';
const ts = require('typescript');
const { join, relative, resolve, sep } = require('node:path');

const PRODUCT = /^(?:index\.ts|(?:functions|shared|local)\/.+\.ts)$/;
/** Names loaded by path rather than imported: bin/exsync.js requires the command line's main. */
const ENTRIES = { 'local/cli.ts': ['main'] };

function loadProgram(root, project) {
  const host = {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => fail(ts.flattenDiagnosticMessageText(d.messageText, '\n')),
  };
  const config = ts.getParsedCommandLineOfConfigFile(join(root, project), {}, host);
  if (!config) fail(`cannot read ${project}`);
  return ts.createProgram({
    rootNames: config.fileNames,
    options: { ...config.options, noEmit: true, incremental: false },
  });
}

function fail(message) {
  throw new Error(`dead-exports: ${message}`);
}

/** What each file exports by name (with the line), and which names reach which other module. */
function scan(program, root) {
  const checker = program.getTypeChecker();
  const rel = (f) => relative(root, f.fileName).split(sep).join('/');
  const own = program
    .getSourceFiles()
    .filter((f) => !f.isDeclarationFile && !rel(f).startsWith('..') && !rel(f).includes('node_modules/'));
  const target = (spec) => {
    const symbol = spec && ts.isStringLiteralLike(spec) ? checker.getSymbolAtLocation(spec) : undefined;
    const file = symbol?.valueDeclaration;
    return file && ts.isSourceFile(file) && !file.isDeclarationFile ? rel(file) : undefined;
  };
  const exports = new Map(); // file -> Map(name -> line)
  const uses = []; // [file, name | '*']
  const inFile = new Set(); // file#name: the export is used in its own file too
  const forwards = []; // [from file, name | '*', to file, name | '*']: a use of the first is a use of the second
  for (const sf of own) {
    const file = rel(sf);
    const names = new Map();
    exports.set(file, names);
    const declared = new Map(); // name -> the declaration's identifier, for a use inside the file itself
    const line = (n) => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
    const exported = (n) =>
      ts.canHaveModifiers(n) && (ts.getModifiers(n) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    const isDefault = (n) => (ts.getModifiers(n) ?? []).some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
    for (const st of sf.statements) {
      if (ts.isVariableStatement(st) && exported(st)) {
        for (const d of st.declarationList.declarations)
          for (const id of bindingIdentifiers(d.name)) (names.set(id.text, line(d)), declared.set(id.text, id));
      } else if (exported(st) && st.name && ts.isIdentifier(st.name)) {
        const name = isDefault(st) ? 'default' : st.name.text;
        names.set(name, line(st));
        declared.set(name, st.name);
      } else if (ts.isExportAssignment(st)) names.set('default', line(st));
      else if (ts.isExportDeclaration(st)) {
        const to = target(st.moduleSpecifier);
        if (!st.exportClause) {
          if (to) forwards.push([file, '*', to, '*']);
        } else if (ts.isNamespaceExport(st.exportClause)) {
          names.set(st.exportClause.name.text, line(st));
          if (to) forwards.push([file, st.exportClause.name.text, to, '*']);
        } else
          for (const e of st.exportClause.elements) {
            names.set(e.name.text, line(e));
            if (to) forwards.push([file, e.name.text, to, (e.propertyName ?? e.name).text]);
          }
      }
    }
    (function visit(n) {
      if (ts.isImportDeclaration(n) && n.importClause) {
        const to = target(n.moduleSpecifier);
        const c = n.importClause;
        if (to && c.name) uses.push([to, 'default']);
        if (to && c.namedBindings && ts.isNamespaceImport(c.namedBindings)) uses.push([to, '*']);
        if (to && c.namedBindings && ts.isNamedImports(c.namedBindings))
          for (const e of c.namedBindings.elements) uses.push([to, (e.propertyName ?? e.name).text]);
      } else if (ts.isImportEqualsDeclaration(n) && ts.isExternalModuleReference(n.moduleReference)) {
        const to = target(n.moduleReference.expression);
        if (to) uses.push([to, '*']);
      } else if (ts.isCallExpression(n) && n.arguments.length > 0) {
        const dynamic = n.expression.kind === ts.SyntaxKind.ImportKeyword;
        const required = ts.isIdentifier(n.expression) && n.expression.text === 'require';
        const to = dynamic || required ? target(n.arguments[0]) : undefined;
        if (to) uses.push([to, '*']);
      } else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument)) {
        const to = target(n.argument.literal);
        if (to) uses.push([to, n.qualifier ? firstName(n.qualifier) : '*']);
      }
      if (ts.isIdentifier(n) && declared.has(n.text) && declared.get(n.text) !== n && !ts.isExportSpecifier(n.parent)) {
        const symbol = ts.isShorthandPropertyAssignment(n.parent)
          ? checker.getShorthandAssignmentValueSymbol(n.parent)
          : checker.getSymbolAtLocation(n);
        if (symbol && symbol === checker.getSymbolAtLocation(declared.get(n.text))) inFile.add(`${file}#${n.text}`);
      }
      ts.forEachChild(n, visit);
    })(sf);
  }
  return { exports, uses, forwards, inFile };
}

function bindingIdentifiers(name) {
  if (ts.isIdentifier(name)) return [name];
  return name.elements.flatMap((e) => (ts.isOmittedExpression(e) ? [] : bindingIdentifiers(e.name)));
}

function firstName(q) {
  return ts.isIdentifier(q) ? q.text : firstName(q.left);
}

/** Every export of product code that nothing imports: { file, line, name, usedInFile }, in file order. */
function deadExports(root = resolve(__dirname, '..', '..'), { project = 'tsconfig.json', entries = ENTRIES } = {}) {
  const { exports, uses, forwards, inFile } = scan(loadProgram(root, project), root);
  const used = new Set();
  const queue = [...uses];
  while (queue.length > 0) {
    const [file, name] = queue.pop();
    const key = `${file}#${name}`;
    if (used.has(key)) continue;
    used.add(key);
    if (name === '*') for (const n of exports.get(file)?.keys() ?? []) queue.push([file, n]);
    for (const [from, fromName, to, toName] of forwards)
      if (from === file && (fromName === name || fromName === '*' || name === '*'))
        queue.push([to, fromName === '*' ? name : toName]);
  }
  const dead = [];
  for (const [file, names] of exports) {
    if (!PRODUCT.test(file)) continue;
    for (const [name, line] of names)
      if (!used.has(`${file}#${name}`) && !used.has(`${file}#*`) && !(entries[file] ?? []).includes(name))
        dead.push({ file, line, name, usedInFile: inFile.has(`${file}#${name}`) });
  }
  return dead.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.name.localeCompare(b.name));
}

module.exports = { deadExports };

if (require.main === module) {
  const dir = process.argv.slice(2).find((a) => !a.startsWith('--'));
  const all = dir ? deadExports(resolve(dir)) : deadExports();
  const show = (d) => `  ${d.file}:${d.line} ${d.name}`;
  const dead = all.filter((d) => !d.usedInFile);
  if (process.argv.includes('--all')) {
    const wide = all.filter((d) => d.usedInFile);
    console.log(`dead-exports: ${wide.length} exports used only in their own file (the export could go):`);
    for (const d of wide) console.log(show(d));
  }
  if (dead.length === 0) console.log('dead-exports: every export of product code is imported or used');
  else {
    console.error(`dead-exports: ${dead.length} exports of product code that nothing imports or uses:`);
    for (const d of dead) console.error(show(d));
    process.exitCode = 1;
  }
}
