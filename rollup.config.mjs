// The drop-in build: ONE self-contained, minified ES module that defines <video-chat>.
// Lit and MQTT.js are bundled in, so a plain <script type="module"> is all a site needs.
import { nodeResolve } from '@rollup/plugin-node-resolve';
import typescript from '@rollup/plugin-typescript';
import terser from '@rollup/plugin-terser';

export default {
  input: 'src/video-chat.ts',
  output: {
    file: 'dist/video-chat.js',
    format: 'es',
    inlineDynamicImports: true,
    sourcemap: true,
  },
  plugins: [
    // `browser: true` picks MQTT.js's browser ESM build instead of its Node entry.
    nodeResolve({ browser: true, exportConditions: ['browser', 'production'] }),
    typescript({
      tsconfig: './tsconfig.json',
      include: ['src/**/*.ts'],
      compilerOptions: { declaration: false, sourceMap: true, noEmit: false },
    }),
    terser({ format: { comments: false }, compress: { passes: 2 } }),
  ],
};
