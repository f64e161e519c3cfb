// `npm start`: builds, then serves the demo with an embedded MQTT broker and prints the URL.
import { spawnSync } from 'node:child_process';
import { ROOT, startDemoServer } from './demo-server.mjs';

if (!process.argv.includes('--no-build')) {
  const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const demo = await startDemoServer({ port: Number(process.env.PORT ?? 8000) }).catch((error) => {
  console.error(`Could not start the demo server: ${error.message} (set PORT=… to use another port)`);
  process.exit(1);
});
console.log(`\nvideo-chat-element demo: ${demo.url}`);
console.log(`MQTT broker (WebSocket):  ${demo.brokerUrl}`);
console.log('Open the URL: the page picks an unguessable room and puts it in its address. Open that address\n(the Invite button copies it) in a second tab to join the same call. Ctrl+C to stop.\n');

const stop = async () => {
  setTimeout(() => process.exit(0), 1000).unref();
  await demo.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
