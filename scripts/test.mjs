// `npm test`: lint and type check, build, manifest freshness, then the browser tests and the
// end-to-end tests inside a loopback-only network namespace. Ends with "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { checkSystem, loopbackOnly } from './system-check.mjs';

const results = { passed: 0, failed: 0 };
const failures = [];

function run(label, command, args, options = {}) {
  console.log(`\n=== ${label}: ${[command, ...args].join(' ')}`);
  const { status, error } = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (error) console.error(error.message);
  return status === 0 && !error;
}

function record(label, ok) {
  if (ok) results.passed++;
  else {
    results.failed++;
    failures.push(label);
  }
}

function readCounts(file, label) {
  if (!existsSync(file)) {
    record(`${label} (no results written)`, false);
    return;
  }
  const { passed, failed } = JSON.parse(readFileSync(file, 'utf8'));
  results.passed += passed;
  results.failed += failed;
  if (failed) failures.push(`${label}: ${failed} failed`);
}

checkSystem({ iptables: true, xvfb: true });
rmSync('.test-results', { recursive: true, force: true });
mkdirSync('.test-results', { recursive: true });

record('lint (eslint)', run('lint', 'npx', ['eslint', '.']));
record('type check (tsc)', run('type check', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']));
record('build', run('build', 'npm', ['run', 'build', '--silent']));

// The analyzer resolves --outdir against the working directory, so keep it inside the project.
const manifestDir = '.test-results/manifest';
// The analyzer also rewrites package.json's `customElements` to point at --outdir: put it back.
const packageJson = readFileSync('package.json', 'utf8');
const analyzed = run('custom-elements.json is fresh', 'npx', ['cem', 'analyze', '--litelement', '--globs', 'src/**/*.ts', '--outdir', manifestDir], { stdio: 'pipe' });
// The analyzer lists modules in file-system order, which varies: compare them sorted by path.
const normalized = (file) => {
  const manifest = JSON.parse(readFileSync(file, 'utf8'));
  manifest.modules.sort((a, b) => a.path.localeCompare(b.path));
  return JSON.stringify(manifest);
};
const fresh = analyzed && existsSync('custom-elements.json')
  && normalized(join(manifestDir, 'custom-elements.json')) === normalized('custom-elements.json');
writeFileSync('package.json', packageJson);
if (!fresh) console.error('custom-elements.json is stale: run `npm run analyze` and commit it.');
record('custom-elements.json is fresh', fresh);
record('README API table is fresh', run('README API table is fresh', 'node', ['scripts/readme-api.mjs', '--check']));
record('custom-elements.json documents every event and part', run('custom-elements.json documents every event and part', 'node', ['scripts/manifest-coverage.mjs']));
record('README browser table matches the bundle', run('README browser table matches the bundle', 'node', ['scripts/browser-support.mjs', '--check']));

/** How the browser test file `file` (under test/) imports the page-error guard. */
function guardImport(file) {
  const path = relative(dirname(join('test', file)), 'test/support/page-guard.js');
  return path.startsWith('.') ? path : `./${path}`;
}

// Every test fails on an uncaught error or unhandled rejection in a page it opened: browser test
// files import the guard, end-to-end and lab files get it (and Chromium) from support.mjs.
const unguarded = [
  ...readdirSync('test', { recursive: true }).filter((f) => /\.test\.ts$/.test(f))
    .filter((f) => !readFileSync(join('test', f), 'utf8').startsWith(`import '${guardImport(f)}';`)),
  ...readdirSync('test/e2e').filter((f) => f.endsWith('.test.mjs'))
    .filter((f) => !readFileSync(join('test/e2e', f), 'utf8').includes("from './support.mjs'")),
  ...readdirSync('test/lab').filter((f) => f.endsWith('.test.mjs'))
    .filter((f) => !readFileSync(join('test/lab', f), 'utf8').includes("from './support.mjs'")),
];
if (unguarded.length) console.error(`Test files without the page-error guard: ${unguarded.join(', ')}`);
record('every test file has the page-error guard', unguarded.length === 0);

// Pure-logic tests that need no browser (the bundle's shims against Node's own modules).
const nodeTests = readdirSync('test', { recursive: true })
  .filter((f) => f.endsWith('.test.mjs') && !f.startsWith('e2e') && !f.startsWith('lab'))
  .map((f) => join('test', f));
run('node tests (node:test)', 'node', [
  '--test', '--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=./scripts/count-reporter.mjs', '--test-reporter-destination=.test-results/node.json', ...nodeTests,
]);
readCounts('.test-results/node.json', 'node tests');

run('browser tests (web-test-runner)', ...loopbackOnly('npx web-test-runner'));
readCounts('.test-results/browser.json', 'browser tests');

run('end-to-end tests (node:test + Chromium + Firefox + mosquitto)', ...loopbackOnly(
  'node --test --test-concurrency=1 --test-reporter=spec --test-reporter-destination=stdout '
  + '--test-reporter=./scripts/count-reporter.mjs --test-reporter-destination=.test-results/e2e.json test/e2e/',
));
readCounts('.test-results/e2e.json', 'end-to-end tests');

// The network lab builds namespaces of its own (NATs, a TURN server, lossy links), so it runs from
// the root namespace; every address it uses lives inside the namespaces it makes.
run('network lab (node:test + Chromium in namespaces + mosquitto + coturn)', 'node', [
  '--test', '--test-concurrency=1', '--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=./scripts/count-reporter.mjs', '--test-reporter-destination=.test-results/lab.json',
  ...readdirSync('test/lab').filter((f) => f.endsWith('.test.mjs')).map((f) => join('test/lab', f)),
]);
readCounts('.test-results/lab.json', 'network lab');

if (failures.length) console.log(`\nFailed: ${failures.join('; ')}`);
console.log(`\n${results.passed} passed, ${results.failed} failed`);
process.exit(results.failed === 0 && results.passed > 0 ? 0 : 1);
