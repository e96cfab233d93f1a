// The layering rules of README "Layers" as one ESLint rule (`exsync/layers`): every import, export-from,
// require() and import() is resolved to the folder it reaches, so `../adapters/x` and `../../shared/adapters/x`
// are the same edge, and a type-only import is an edge too (the design depends on it all the same).
'use strict';
const { builtinModules } = require('node:module');
const { dirname, relative, resolve, sep } = require('node:path');

const ROOT = resolve(__dirname, '..', '..');

/** The layer a repository path belongs to (a path inside the repository, '/'-separated). */
function layerOf(rel) {
  if (rel === 'index' || rel === 'index.ts') return 'index';
  const [top, second] = rel.split('/');
  if (top === 'shared' && ['domain', 'pipeline', 'adapters', 'telemetry'].includes(second)) return second;
  if (['shared', 'functions', 'local', 'test'].includes(top)) return top;
  return 'other';
}

const NODE_BUILTINS = new Set(builtinModules);
/** Bare specifiers: a Node built-in module ('node:crypto', 'fs') or an npm package ('@azure/functions'). */
function packageOf(spec) {
  if (spec.startsWith('node:') || NODE_BUILTINS.has(spec.split('/')[0]))
    return { builtin: `node:${spec.replace(/^node:/, '')}` };
  const parts = spec.split('/');
  return { name: spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0] };
}

/** The modules domain code may reach outside its own folder: hashing only, which is pure. */
const DOMAIN_BUILTINS = new Set(['node:crypto']);
const SHARED = ['shared', 'domain', 'pipeline', 'adapters', 'telemetry'];

/** Why `from` may not import `to`, or undefined when it may. `to` is a layer or a package. */
function refusal(from, to) {
  if (from === 'domain') {
    if (to.layer === 'domain') return undefined;
    if (to.builtin && DOMAIN_BUILTINS.has(to.builtin)) return undefined;
    const what = to.layer
      ? `${to.layer === 'adapters' ? 'an adapter' : to.layer} (${to.path})`
      : (to.builtin ?? `the package ${to.name}`);
    return `shared/domain is pure: it imports only shared/domain and node:crypto, not ${what}`;
  }
  if (!to.layer) return undefined;
  if (from === 'pipeline' && ['functions', 'local', 'index'].includes(to.layer))
    return `shared/pipeline imports no ${to.layer} (${to.path}): the stage handlers run under any host`;
  if (from === 'telemetry' && to.layer === 'pipeline')
    return `shared/telemetry imports no pipeline (${to.path}): telemetry wraps the stages, it does not know them`;
  if (from === 'functions' && to.layer === 'local')
    return `functions/ imports no local/ (${to.path}): the Function App is deployed without local/`;
  if (SHARED.includes(from) && ['functions', 'local', 'index'].includes(to.layer))
    return `shared/ imports no ${to.layer} (${to.path}): shared code is what the hosts import, not the reverse`;
  if (from !== 'test' && from !== 'other' && to.layer === 'test') return `product code imports no test/ (${to.path})`;
  return undefined;
}

/** @type {import('eslint').Rule.RuleModule} */
const layers = {
  meta: {
    type: 'problem',
    docs: { description: 'Layering: domain is pure; pipeline, functions and telemetry import only what is below them' },
    schema: [],
    messages: { refused: '{{why}}' },
  },
  create(context) {
    const file = relative(ROOT, context.filename).split(sep).join('/');
    if (file.startsWith('..')) return {};
    const from = layerOf(file);
    const check = (node, spec) => {
      if (typeof spec !== 'string') return;
      let to;
      if (spec.startsWith('.')) {
        const path = relative(ROOT, resolve(dirname(context.filename), spec))
          .split(sep)
          .join('/');
        to = { layer: layerOf(path), path };
      } else to = packageOf(spec);
      const why = refusal(from, to);
      if (why) context.report({ node, messageId: 'refused', data: { why } });
    };
    const literal = (n) => (n && n.type === 'Literal' ? n.value : undefined);
    return {
      ImportDeclaration: (n) => check(n, n.source.value),
      ExportNamedDeclaration: (n) => n.source && check(n, n.source.value),
      ExportAllDeclaration: (n) => check(n, n.source.value),
      ImportExpression: (n) => check(n, literal(n.source)),
      TSImportEqualsDeclaration: (n) =>
        n.moduleReference.type === 'TSExternalModuleReference' && check(n, literal(n.moduleReference.expression)),
      TSImportType: (n) => check(n, literal(n.argument.type === 'TSLiteralType' ? n.argument.literal : n.argument)),
      CallExpression: (n) =>
        n.callee.type === 'Identifier' && n.callee.name === 'require' && check(n, literal(n.arguments[0])),
    };
  },
};

module.exports = { layerOf, refusal, plugin: { meta: { name: 'exsync' }, rules: { layers } } };
