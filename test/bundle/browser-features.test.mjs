// What scripts/browser-features.mjs finds in a script: the pieces of the browser it needs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bundleFeatures, cssFeatures } from '../../scripts/browser-features.mjs';

test('finds globals, constructors, members of the interfaces the code holds, and syntax', () => {
  const found = bundleFeatures(`
    const pc = new RTCPeerConnection();
    pc.restartIce();
    const t = pc.getTransceivers()[0];
    t.setCodecPreferences?.([]);
    const copy = structuredClone({ a: 1n });
    let x; x ??= /(?<=a)\\p{L}/u;
    class A { #secret = 1; static { A.n = 0; } }
  `);
  for (const path of [
    'api.RTCPeerConnection', 'api.RTCPeerConnection.RTCPeerConnection', 'api.RTCPeerConnection.restartIce',
    'api.RTCRtpTransceiver.setCodecPreferences', 'api.structuredClone', 'javascript.builtins.BigInt',
    'javascript.operators.optional_chaining', 'javascript.operators.nullish_coalescing_assignment',
    'javascript.regular_expressions.lookbehind_assertion', 'javascript.regular_expressions.unicode_character_class_escape',
    'javascript.classes.private_class_fields', 'javascript.classes.static.initialization_blocks',
  ]) assert.ok(found.has(path), path);
});

test('never counts what the script declares itself, nor members of objects the platform does not give it', () => {
  const found = bundleFeatures(`
    class RTCPeerConnection {}
    function structuredClone(v) { return v; }
    const logger = { log() {}, queue: [], exec() {} };
    logger.log(); logger.queue.push(1); logger.exec(); new RTCPeerConnection(); structuredClone(1);
    const event = { type: 'x', url: 'y' }; event.type; event.url;
  `);
  assert.deepEqual([...found.keys()].filter((path) => path.startsWith('api.')), []);
});

test('finds the CSS of a style sheet: properties, at-rules, units', () => {
  const found = cssFeatures(':host { container-type: inline-size; height: 100dvh } @container (width < 30rem) { .tiles { gap: 1cqw } }');
  for (const path of ['css.properties.container-type', 'css.at-rules.container', 'css.properties.gap', 'css.types.length.viewport_percentage_units_dynamic', 'css.types.length.container_query_length_units']) {
    assert.ok(found.has(path), path);
  }
});
