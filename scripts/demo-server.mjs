// Serves demo/ and dist/ on 127.0.0.1 with an embedded aedes MQTT broker on the same port at /mqtt.
import { startAedes } from './brokers.mjs';
import { startStaticServer } from './static-server.mjs';

export { ROOT } from './static-server.mjs';

export async function startDemoServer({ port = 0 } = {}) {
  const pages = await startStaticServer({ '/dist/': 'dist/', '/': 'demo/' }, { port });
  const broker = await startAedes({ server: pages.server, path: '/mqtt' });
  const actualPort = pages.server.address().port;
  return {
    url: `http://localhost:${actualPort}/`,
    brokerUrl: `ws://localhost:${actualPort}/mqtt`,
    async close() {
      await broker.close();
      await pages.close();
    },
  };
}
