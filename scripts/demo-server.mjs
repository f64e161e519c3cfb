// Serves demo/ and dist/ on 127.0.0.1 with an embedded aedes MQTT broker on the same port at /mqtt.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAedes } from './brokers.mjs';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.map': 'application/json', '.css': 'text/css', '.png': 'image/png', '.svg': 'image/svg+xml' };

export async function startDemoServer({ port = 0 } = {}) {
  const server = createServer((request, response) => {
    let path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    if (path === '/') path = '/index.html';
    const file = path.startsWith('/dist/') ? normalize(join(ROOT, path)) : normalize(join(ROOT, 'demo', path));
    if (!file.startsWith(ROOT) || !existsSync(file) || !statSync(file).isFile()) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      return;
    }
    response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    createReadStream(file).pipe(response);
  });
  const broker = await startAedes({ server, path: '/mqtt' });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const actualPort = server.address().port;
  return {
    url: `http://localhost:${actualPort}/`,
    brokerUrl: `ws://localhost:${actualPort}/mqtt`,
    async close() {
      await broker.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
