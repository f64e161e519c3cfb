// The drop-in build: ONE self-contained, minified ES module that defines <video-chat>.
// Lit and MQTT.js are bundled in, so a plain <script type="module"> is all a site needs.
//
// MQTT.js is taken from its CommonJS build (mqtt/build/lib/…), not from its prebuilt browser
// bundle, so that what a browser-only, ws:// / wss://, MQTT 5 / 3.1.1 client never runs can be left
// out: Node transports (TCP, TLS, SOCKS, the `ws` package), mini-program transports (wx, ali),
// `debug`, Node's `url`, MQTT 5 outgoing topic aliases (lru-cache), which we never send, the
// worker-timers keepalive clock, which ours replaces, rfdc, which structuredClone replaces, and
// of `buffer` and `string_decoder` all but UTF-8 and what the bundle calls. The shims are in
// scripts/mqtt-browser/. The library build (lib/) is unaffected: it imports `mqtt` as usual.
import { readFileSync } from 'node:fs';
import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import alias from '@rollup/plugin-alias';
import commonjs from '@rollup/plugin-commonjs';
import minifyHTML from '@lit-labs/rollup-plugin-minify-html-literals';
import inject from '@rollup/plugin-inject';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import typescript from '@rollup/plugin-typescript';
import terser from '@rollup/plugin-terser';

const shim = (name) => fileURLToPath(new URL(`./scripts/mqtt-browser/${name}`, import.meta.url));
const mqttVersion = JSON.parse(readFileSync(new URL('./node_modules/mqtt/package.json', import.meta.url))).version;

/** Replaces modules of MQTT.js's CommonJS build by path, as seen from the module requiring them. */
function mqttInternals() {
  const stubs = {
    // connect/index.js requires these only outside a browser or for wx:// / ali:// URLs.
    'connect/tcp': shim('empty.mjs'),
    'connect/tls': shim('empty.mjs'),
    'connect/socks': shim('empty.mjs'),
    'connect/wx': shim('empty.mjs'),
    'connect/ali': shim('empty.mjs'),
    'topic-alias-send': shim('topic-alias-send.mjs'),
    'get-timer': shim('get-timer.mjs'),
  };
  const libDir = `${sep}node_modules${sep}mqtt${sep}build${sep}lib${sep}`;
  return {
    name: 'mqtt-internals',
    resolveId(source, importer) {
      if (!importer || !importer.includes(libDir) || !source.startsWith('.')) return null;
      if (source === '../../package.json') return '\0mqtt-version';
      const target = fileURLToPath(new URL(source, `file://${importer}`));
      const key = target.slice(target.indexOf(libDir) + libDir.length).replace(/\.js$/, '').split(sep).join('/');
      return stubs[key] ?? null;
    },
    load(id) {
      // shared.js reads MQTT.js's version from its package.json; only the version is needed.
      if (id === '\0mqtt-version') return `export const version = ${JSON.stringify(mqttVersion)}; export default { version };`;
      return null;
    },
  };
}

export default {
  input: 'src/video-chat.ts',
  output: {
    file: 'dist/video-chat.js',
    format: 'es',
    inlineDynamicImports: true,
    sourcemap: true,
  },
  plugins: [
    alias({
      entries: [
        { find: /^mqtt$/, replacement: shim('mqtt.mjs') },
        { find: /^debug$/, replacement: shim('debug.mjs') },
        { find: /^url$/, replacement: shim('url.mjs') },
        { find: /^ws$/, replacement: shim('empty.mjs') },
        { find: /^readable-stream$/, replacement: shim('readable-stream.mjs') },
        { find: /^string_decoder\/?$/, replacement: shim('string-decoder.mjs') },
        { find: /^buffer\/?$/, replacement: shim('buffer.mjs') },
        { find: /^rfdc\/default$/, replacement: shim('rfdc.mjs') },
        // Both `process` (injected below) and readable-stream's `process/`.
        { find: /^process\/?$/, replacement: shim('process.mjs') },
      ],
    }),
    mqttInternals(),
    nodeResolve({ browser: true, preferBuiltins: false, exportConditions: ['browser', 'production'] }),
    commonjs({ include: /node_modules/ }),
    // Node globals MQTT.js and readable-stream refer to: `process` and `Buffer` (our shims).
    inject({ include: /node_modules/, process: 'process', Buffer: ['buffer', 'Buffer'] }),
    typescript({
      tsconfig: './tsconfig.json',
      include: ['src/**/*.ts'],
      compilerOptions: { declaration: false, sourceMap: true, noEmit: false },
    }),
    // The whitespace of our html`` and css`` templates (Lit's own minifier, on the compiled JS).
    minifyHTML({ include: ['src/**/*.ts'] }),
    terser({
      format: { comments: false },
      // MQTT.js's `this.log` / `client.log` and mqtt-packet's and the streams' `debug` are no-ops
      // here (the debug shim); dropping the calls drops their message strings too.
      compress: { passes: 2, pure_funcs: ['this.log', 'client.log', 'debug'] },
    }),
  ],
};
