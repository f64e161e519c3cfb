// Reports the gzip size of dist/video-chat.js and of our own code alone (Lit and MQTT.js left out),
// built with the same plugins as the real bundle. Run after `npm run build`.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { rollup } from 'rollup';
import config from '../rollup.config.mjs';

export async function bundleSizes() {
  const total = readFileSync(new URL('../dist/video-chat.js', import.meta.url));
  const ownBuild = await rollup({ ...config, external: (id) => /^(lit|@lit\/|mqtt)/.test(id), onwarn: () => {} });
  const { output } = await ownBuild.generate({ format: 'es' });
  await ownBuild.close();
  const own = Buffer.from(output[0].code);
  const kb = (bytes) => Math.round((bytes / 1024) * 10) / 10;
  return {
    totalMinBytes: total.length,
    totalGzipKB: kb(gzipSync(total, { level: 9 }).length),
    ownMinBytes: own.length,
    ownGzipKB: kb(gzipSync(own, { level: 9 }).length),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sizes = await bundleSizes();
  console.log(`dist/video-chat.js: ${sizes.totalGzipKB} KB gzip (${sizes.totalMinBytes} bytes minified); own code: ${sizes.ownGzipKB} KB gzip (${sizes.ownMinBytes} bytes minified)`);
}
