// Browser tests: Debian's headless Chromium with a fake camera and microphone, against an
// in-process aedes broker on loopback. `npm test` runs this inside a loopback-only network namespace.
import { writeFileSync, mkdirSync } from 'node:fs';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { defaultReporter, summaryReporter } from '@web/test-runner';
import { startAedes } from './scripts/brokers.mjs';
import { CHROMIUM_PATH, CHROMIUM_FLAGS } from './scripts/chromium.mjs';

/** Serves `/__test-broker.js`, which tells tests where the broker of this run listens. */
function testBrokerPlugin() {
  let aedes;
  return {
    name: 'test-broker',
    async serverStart() {
      aedes = await startAedes();
    },
    async serverStop() {
      await aedes?.close();
    },
    serve(context) {
      if (context.path === '/__test-broker.js') return { body: `export const brokerUrl = ${JSON.stringify(aedes.url)};`, type: 'js' };
      return undefined;
    },
  };
}

/** Writes the pass/fail counts for the closing line that `npm test` prints. */
function countingReporter(file) {
  return {
    onTestRunFinished({ sessions }) {
      let passed = 0;
      let failed = 0;
      const walk = (suite) => {
        for (const test of suite.tests) {
          if (test.skipped) continue;
          if (test.passed) passed++;
          else failed++;
        }
        suite.suites.forEach(walk);
      };
      for (const session of sessions) {
        if (session.testResults) walk(session.testResults);
        // A file that crashed before running its tests counts as one failure.
        if (!session.passed && (!session.testResults || session.errors?.length)) failed++;
      }
      mkdirSync('.test-results', { recursive: true });
      writeFileSync(file, JSON.stringify({ passed, failed }));
    },
  };
}

export default {
  files: ['test/**/*.test.ts'],
  nodeResolve: { browser: true, exportConditions: ['browser', 'development'] },
  concurrency: 1,
  concurrentBrowsers: 1,
  testsFinishTimeout: 10 * 60 * 1000,
  browserStartTimeout: 60 * 1000,
  testFramework: { config: { timeout: 30000 } },
  plugins: [esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'tsconfig.json' }), testBrokerPlugin()],
  browsers: [
    chromeLauncher({
      launchOptions: { executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_FLAGS },
    }),
  ],
  reporters: [defaultReporter(), summaryReporter({ flatten: false }), countingReporter('.test-results/browser.json')],
};
