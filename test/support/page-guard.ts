/**
 * Fails every browser test during which the page had an uncaught error or an unhandled rejection,
 * whether it came from the test or from anything it started. Every test file imports it first
 * (`npm test` checks that they do); the listeners and hooks are registered once per page.
 */
const seen: string[] = [];

window.addEventListener('error', (event) => seen.push(`error: ${event.message}`));
window.addEventListener('unhandledrejection', (event) => seen.push(`unhandledrejection: ${String(event.reason)}`));

function failOnPageErrors(): void {
  const errors = seen.splice(0);
  if (errors.length) throw new Error(`Uncaught in the page:\n${errors.join('\n')}`);
}

afterEach(failOnPageErrors);
// Errors from the last test's clean-up, or from timers still running after it.
after(async () => {
  await new Promise((resolve) => setTimeout(resolve, 50));
  failOnPageErrors();
});
