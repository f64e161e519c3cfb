// The test runner serves this virtual module with the URL of the aedes broker it started
// (see web-test-runner.config.mjs). Imported through a variable so TypeScript does not resolve it.
const modulePath = '/__test-broker.js';
const { brokerUrl } = (await import(modulePath)) as { brokerUrl: string };

export { brokerUrl };
