// Issue point "Ship only the product": what the Function App would hold, computed the way azd's remote build makes
// it (test/support/remote-build.ts): the upload (folder minus .funcignore), the install and build scripts run on
// it, and the production dependency closure left by build:azure. Anything from local/, test/ or a dev dependency
// in it fails here, and so does a product that needs a package the prune takes away.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expandMain } from '../support/functions-host';
import { ignored, parseIgnore } from '../support/funcignore';
import { npmPruneDryRun, packageName, remoteBuild, type PackageJson } from '../support/remote-build';

const root = join(__dirname, '..', '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson;
const build = remoteBuild(root);
after(() => build.cleanup());

/** Everything the package may hold outside node_modules: manifests, the product's sources and their output. */
const PRODUCT =
  /^(?:host\.json|package\.json|package-lock\.json|tsconfig(?:\.build)?\.json|index\.ts|(?:functions|shared)\/[\w./-]+\.ts|dist\/index\.js(?:\.map)?|dist\/(?:functions|shared)\/[\w./-]+\.js(?:\.map)?)$/;

test('Ship only the product: the package holds the compiled index.js, functions/, shared/ and production dependencies, nothing else', (t) => {
  t.diagnostic(
    `would deploy ${build.files.length} files and ${build.packages.size} packages; uploaded ${build.uploaded.length} files`,
  );
  assert.deepEqual(
    build.files.filter((f) => !PRODUCT.test(f)),
    [],
    'files outside the product',
  );
  const main = expandMain(build.dir, pkg.main);
  assert.ok(main.includes('dist/index.js'), `main ${pkg.main} finds dist/index.js in the built package`);
  assert.deepEqual(
    main.filter((f) => f.startsWith('dist/functions/')).sort(),
    readdirSync(join(root, 'functions'))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => `dist/functions/${f.replace(/\.ts$/, '.js')}`)
      .sort(),
  );
});

test('Ship only the product: nothing from local/ or test/ is uploaded or built (tests are not compiled into it)', () => {
  const fromLocalOrTest = (f: string) => /^(?:dist\/)?(?:local|test)\//.test(f);
  assert.deepEqual(build.uploaded.filter(fromLocalOrTest), []);
  assert.deepEqual(build.files.filter(fromLocalOrTest), []);
  assert.ok(!build.files.some((f) => /\.test\.js$/.test(f)));
});

test('Ship only the product: no dev dependency, no azurite, nothing reachable only from devDependencies', (t) => {
  const deployed = new Set([...build.packages.keys()].map(packageName));
  for (const name of ['azurite', 'typescript', '@microsoft/msgraph-sdk', 'dynamics-web-api'])
    assert.ok(!deployed.has(name), `${name} is not deployed`);
  // A root dev or optional dependency is deployed only when production packages need it too (the lock then
  // does not flag it): @types/node, which protobufjs and others depend on, is the known case.
  const alsoProduction = [
    ...Object.keys(pkg.devDependencies ?? {}),
    ...Object.keys(pkg.optionalDependencies ?? {}),
  ].filter((n) => deployed.has(n));
  t.diagnostic(
    `root dev/optional dependencies that production packages also need: ${alsoProduction.join(', ') || 'none'}`,
  );
  for (const name of alsoProduction) {
    const e = build.packages.get(`node_modules/${name}`)!;
    assert.ok(!e.dev && !e.optional && !e.devOptional, `${name} is deployed only as a production package`);
  }
  assert.deepEqual(
    [...build.packages].filter(([, e]) => e.dev || e.optional || e.devOptional).map(([p]) => p),
    [],
    'packages only dev or optional dependencies reach',
  );
  for (const name of Object.keys(pkg.dependencies ?? {}))
    assert.ok(build.packages.has(`node_modules/${name}`), `production dependency ${name} is deployed`);
});

test('Ship only the product: the prune computed from package-lock.json is the one npm itself makes', () => {
  const byLock = new Set([...build.removed].map(([path, e]) => `${packageName(path)}@${e.version}`));
  assert.deepEqual([...npmPruneDryRun(root, build.omit)].sort(), [...byLock].sort());
});

test('Ship only the product: every package the built product requires survives the prune', () => {
  const required = new Set<string>();
  for (const f of build.files.filter((x) => x.endsWith('.js'))) {
    for (const m of readFileSync(join(build.dir, f), 'utf8').matchAll(/\brequire\((["'])([^"'./][^"']*)\1\)/g)) {
      const spec = m[2]!;
      if (spec.startsWith('node:')) continue;
      required.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
    }
  }
  assert.ok(required.has('@azure/functions') && required.has('@azure/data-tables'), [...required].join(', '));
  assert.deepEqual(
    [...required].filter((name) => !build.packages.has(`node_modules/${name}`)).sort(),
    [],
    'required by the product but pruned or missing',
  );
});

test('Ship only the product: a .funcignore exists and azure.yaml builds remotely, as the azd Functions quickstart does', () => {
  const rules = parseIgnore(readFileSync(join(root, '.funcignore'), 'utf8'));
  // azd refuses remoteBuild with a .funcignore that uploads node_modules; the platform makes it.
  for (const dir of ['node_modules', 'dist', 'local', 'test'])
    assert.ok(ignored(rules, dir, true), `.funcignore leaves out ${dir}/`);
  for (const kept of [
    'package.json',
    'package-lock.json',
    'host.json',
    'tsconfig.json',
    'tsconfig.build.json',
    'index.ts',
  ])
    assert.ok(build.uploaded.includes(kept), `${kept} is uploaded for the build`);
  assert.match(readFileSync(join(root, 'azure.yaml'), 'utf8'), /^ {4}remoteBuild: true$/m);
  assert.match(pkg.scripts.build!, /^tsc -p tsconfig\.build\.json$/);
  const buildConfig = JSON.parse(readFileSync(join(root, 'tsconfig.build.json'), 'utf8')) as { include: string[] };
  assert.deepEqual(buildConfig.include, ['index.ts', 'functions/**/*.ts', 'shared/**/*.ts']);
});

test('Ship only the product: npm start and npm test still need nothing but npm install (azurite is an optional dependency)', () => {
  // npm installs optional dependencies unless told --omit=optional: in the repository and from a tarball alike.
  assert.equal(pkg.optionalDependencies?.azurite !== undefined, true);
  assert.equal(pkg.dependencies?.azurite, undefined);
  assert.equal(pkg.devDependencies?.azurite, undefined);
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { optional?: boolean; dev?: boolean; optionalDependencies?: Record<string, string> }>;
  };
  assert.equal(
    lock.packages['']?.optionalDependencies?.azurite,
    pkg.optionalDependencies!.azurite,
    'the lock file agrees with package.json',
  );
  assert.equal(lock.packages['node_modules/azurite']?.optional, true);
  assert.ok(require.resolve('azurite/package.json'), 'installed here by the plain npm install');
});
