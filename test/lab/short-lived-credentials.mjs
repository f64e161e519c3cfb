// A TURN credentials endpoint like demo/turn-credentials.mjs whose credentials live TTL seconds
// (default 4), for tests of their renewal: the username expires with them, so coturn refuses them
// afterwards. Prints one line per request answered. Env: TURN_SECRET, TURN_URLS, PORT, HOST, ALLOW_ORIGIN, TTL.
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';

const { TURN_SECRET, TURN_URLS = '', PORT, HOST = '127.0.0.1', ALLOW_ORIGIN, TTL = '4' } = process.env;
const ttl = Number(TTL);

createServer((request, response) => {
  const username = `${Math.floor(Date.now() / 1000) + ttl}:visitor`;
  const credential = createHmac('sha1', TURN_SECRET).update(username).digest('base64');
  response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store', 'access-control-allow-origin': ALLOW_ORIGIN });
  response.end(JSON.stringify({ ttl, iceServers: [{ urls: TURN_URLS.split(' '), username, credential }] }));
  console.log(`${Date.now()} ${request.method} ${request.url} ${request.socket.remoteAddress} ${username}`);
}).listen(Number(PORT), HOST);
