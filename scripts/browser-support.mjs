// `npm run browsers`: the browsers <video-chat> works in, computed from what the built bundle
// (dist/video-chat.js) uses, looked up in @mdn/browser-compat-data. Writes the README's browser
// table (between `<!-- browsers:start -->` and `<!-- browsers:end -->`) and docs/browser-support.md
// (every feature, per engine). With --check nothing is written; the exit code is 1 when either is
// stale, or when the bundle uses something a supported engine lacks that the code does not detect.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bcd, bundleFeatures, compatAt } from './browser-features.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BUNDLE = join(ROOT, 'dist/video-chat.js');
const STYLES = join(ROOT, 'src/element/video-chat.styles.ts');
const README = join(ROOT, 'README.md');
const DETAILS = join(ROOT, 'docs/browser-support.md');
const START = '<!-- browsers:start -->';
const END = '<!-- browsers:end -->';

/** The engines a site's visitors come with, and what the test suite runs of each. */
const ENGINES = [
  { id: 'chrome', name: 'Chrome', tested: 'Debian\'s Chromium, every test' },
  { id: 'edge', name: 'Edge', tested: 'as Chromium' },
  { id: 'firefox', name: 'Firefox', tested: 'Debian\'s Firefox ESR, the end-to-end tests across engines' },
  { id: 'safari', name: 'Safari', tested: 'not run: Debian\'s WebKitGTK has no `RTCPeerConnection`, so no test here can make a call in Safari\'s engine' },
  { id: 'chrome_android', name: 'Chrome for Android', tested: 'as Chromium' },
  { id: 'firefox_android', name: 'Firefox for Android', tested: 'as Firefox' },
  { id: 'safari_ios', name: 'Safari on iOS', tested: 'not run (as Safari)' },
];

/**
 * What the code checks for before it uses it, and what it does without it. A browser that lacks
 * one of these still makes calls; the table says what it goes without. Anything else the bundle
 * uses is required, and sets the minimum version. An empty text: named only where a helper checks
 * for it (TypeScript's `SuppressedError`), never needed.
 */
const DETECTED = {
  'api.RTCRtpTransceiver.setCodecPreferences': 'keeps the browser\'s own codec order (peer/connection-factory.ts)',
  'api.RTCRtpReceiver.getCapabilities_static': 'keeps the browser\'s own codec order (peer/connection-factory.ts)',
  'api.HTMLMediaElement.setSinkId': 'plays calls on the default speaker: the settings offer no speaker (media/devices.ts)',
  'api.HTMLMediaElement.sinkId': 'plays calls on the default speaker: the settings offer no speaker (element/remote-playback.ts)',
  'api.Document.pictureInPictureEnabled': 'shows no picture-in-picture button (element/views/tiles.ts)',
  'api.HTMLVideoElement.requestPictureInPicture': 'shows no picture-in-picture button (element/views/tiles.ts)',
  'api.MediaDevices.getDisplayMedia': 'cannot share a screen: the share button says so (`unsupported`, media/screen-capture.ts)',
  'api.MediaStreamTrack.contentHint': 'shares a screen without the hint that it is detail, not motion (media/screen-capture.ts)',
  'api.MediaRecorder': 'cannot record: the record button says so (`unsupported`, call/video-call.ts)',
  'api.MediaRecorder.MediaRecorder': 'cannot record: the record button says so (`unsupported`, call/video-call.ts)',
  'api.MediaRecorder.mimeType': 'cannot record: the record button says so (`unsupported`, call/video-call.ts)',
  'api.MediaRecorder.isTypeSupported_static': 'cannot record: the record button says so (`unsupported`, call/video-call.ts)',
  'api.HTMLCanvasElement.captureStream': 'cannot record: the record button says so (`unsupported`, call/video-call.ts)',
  'api.CSSStyleSheet.CSSStyleSheet': 'gets its styles as a `<style>` element instead (Lit)',
  'api.CSSStyleSheet.replaceSync': 'gets its styles as a `<style>` element instead (Lit)',
  'api.ShadowRoot.adoptedStyleSheets': 'gets its styles as a `<style>` element instead (Lit)',
  'api.Element.requestFullscreen': 'shows no fullscreen button (element/views/tiles.ts)',
  'api.Document.fullscreenEnabled': 'shows no fullscreen button (element/views/tiles.ts)',
  'javascript.builtins.SuppressedError': '',
  'api.Permissions.query': 'asks for the camera without looking first (element)',
};

/** A BCD version as a number; `Infinity` for "not released yet", undefined when unsupported. */
function versionOf(statement) {
  const entries = Array.isArray(statement) ? statement : [statement];
  // The first plain entry: not behind a flag, not prefixed or renamed, not removed since.
  const plain = entries.find((e) => e && !e.flags && !e.prefix && !e.alternative_name && !e.version_removed);
  const added = plain?.version_added;
  if (added === undefined || added === false || added === null) return undefined;
  if (added === true) return 0;
  if (added === 'preview') return Infinity;
  return Number.parseFloat(String(added).replace('≤', ''));
}

function displayVersion(version) {
  return version === 0 ? 'any' : String(version);
}

function styleSheets() {
  const source = readFileSync(STYLES, 'utf8');
  return [...source.matchAll(/css`([\s\S]*?)`/g)].map((match) => match[1]).join('\n');
}

/** Per engine: the minimum version, the features that set it, what it goes without. */
export function computeSupport() {
  const features = [...bundleFeatures(readFileSync(BUNDLE, 'utf8'), styleSheets()).keys()].sort();
  const table = ENGINES.map((engine) => {
    let floor = 0;
    let setBy = [];
    const missing = [];
    for (const path of features) {
      const version = versionOf(compatAt(path)?.support?.[engine.id]);
      if (path in DETECTED) continue;
      if (version === undefined) {
        missing.push(path);
        continue;
      }
      if (version > floor) {
        floor = version;
        setBy = [path];
      } else if (version === floor && floor > 0) {
        setBy.push(path);
      }
    }
    const without = Object.keys(DETECTED)
      .filter((path) => features.includes(path))
      .filter((path) => {
        const version = versionOf(compatAt(path)?.support?.[engine.id]);
        return version === undefined || version > floor;
      });
    return { engine, floor, setBy, missing, without };
  });
  return { features, table };
}

/** Names of the features whose BCD path says little to a reader. */
const NAMES = {
  'css.types.length.viewport_percentage_units_dynamic': 'dvh/dvw units',
  'css.types.length.viewport_percentage_units_small': 'svh/svw units',
  'css.types.length.viewport_percentage_units_large': 'lvh/lvw units',
  'css.types.length.container_query_length_units': 'cqw/cqh units',
  'javascript.classes.static.initialization_blocks': 'static { } blocks in classes',
  'javascript.classes.static.class_fields': 'static class fields',
  'javascript.classes.public_class_fields': 'class fields',
  'javascript.classes.private_class_fields': '#private class fields',
  'javascript.classes.private_class_methods': '#private class methods',
};

/** A feature's name as people know it: `RTCPeerConnection.restartIce`, `@container`. */
function featureName(path) {
  if (NAMES[path]) return NAMES[path];
  const parts = path.split('.');
  if (parts[0] === 'css') return parts[1] === 'at-rules' ? `@${parts[2]}` : parts[1] === 'selectors' ? `:${parts[2]}` : parts.at(-1);
  if (parts[0] === 'javascript') return parts.slice(2).join('.').replace(/_/g, ' ');
  const [, iface, rawMember, sub] = parts;
  const member = rawMember?.replace(/_static$/, '');
  if (!member) return iface;
  if (member === iface) return `new ${iface}()${sub ? ` (${sub})` : ''}`;
  return `${iface}.${member}${sub ? ` (${sub})` : ''}`;
}

function readmeSection({ table }) {
  const rows = table.map(({ engine, floor, setBy, missing, without }) => {
    if (missing.length) return `| ${engine.name} | none: lacks ${missing.map((p) => `\`${featureName(p)}\``).join(', ')} | | | ${engine.tested} |`;
    const goesWithout = [...new Set(without.map((p) => DETECTED[p].replace(/ \([^()]*\)$/, '')).filter(Boolean))];
    return `| ${engine.name} | ${displayVersion(floor)} | ${setBy.map((p) => `\`${featureName(p)}\``).join(', ')} | ${goesWithout.join('; ') || '–'} | ${engine.tested} |`;
  });
  return [
    START,
    '| Browser | From version | Set by | At that version it | Tested here |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
    'Computed by `npm run browsers` from what the built bundle uses (its Web APIs, JavaScript built-ins',
    `and syntax, and its style sheets' CSS) and @mdn/browser-compat-data ${bcd.__meta.version}; every feature, per`,
    'engine, is in [docs/browser-support.md](docs/browser-support.md). `npm test` fails when this table',
    'no longer matches the bundle.',
    END,
  ].join('\n');
}

function detailsPage({ features, table }) {
  const header = `| Feature | How | ${ENGINES.map((e) => e.name).join(' | ')} |`;
  const rule = `| --- | --- | ${ENGINES.map(() => '---').join(' | ')} |`;
  const rows = features.map((path) => {
    const how = path in DETECTED ? `optional: without it, ${DETECTED[path]}` : 'required';
    const cells = ENGINES.map((engine) => {
      const version = versionOf(compatAt(path)?.support?.[engine.id]);
      return version === undefined ? 'no' : displayVersion(version);
    });
    return `| \`${featureName(path)}\` (${path}) | ${how} | ${cells.join(' | ')} |`;
  });
  const floors = table.map(({ engine, floor, missing }) => `${engine.name} ${missing.length ? 'none' : displayVersion(floor)}`).join(', ');
  return [
    '# Browser support, feature by feature',
    '',
    'Generated by `npm run browsers` (scripts/browser-support.mjs); do not edit. Every Web API,',
    'JavaScript built-in, piece of JavaScript syntax and CSS feature that the built bundle',
    '(`dist/video-chat.js`) and its style sheets use, with the first version of each engine that has',
    `it, from @mdn/browser-compat-data ${bcd.__meta.version}. A required feature sets the minimum version; an`,
    'optional one is checked for by the code, which goes without it as the row says.',
    '',
    `Minimum versions: ${floors}.`,
    '',
    'How features are found: global names the bundle uses without declaring them; members of the',
    'platform interfaces whose objects the code holds (connections, tracks, media elements, crypto,',
    'streams), matched by name; syntax from the parsed bundle; CSS properties, at-rules and selectors',
    'from the element\'s style sheets. A member name the code also gives its own methods can be',
    'counted where it is ours: the list errs towards more, never fewer.',
    '',
    header,
    rule,
    ...rows,
    '',
  ].join('\n');
}

const check = process.argv.includes('--check');
const support = computeSupport();
const section = readmeSection(support);
const details = detailsPage(support);
const readme = readFileSync(README, 'utf8');
const start = readme.indexOf(START);
const end = readme.indexOf(END);
if (start < 0 || end < start) {
  console.error(`README.md has no ${START} … ${END} section.`);
  process.exit(1);
}
const updated = readme.slice(0, start) + section + readme.slice(end + END.length);
const unsupported = support.table.filter((row) => row.missing.length && !['safari_ios'].includes(row.engine.id));
for (const row of unsupported) console.error(`${row.engine.name}: the bundle uses ${row.missing.join(', ')}, which it lacks, without checking for it.`);
if (check) {
  let detailsNow = '';
  try {
    detailsNow = readFileSync(DETAILS, 'utf8');
  } catch {
    // Missing: stale.
  }
  const stale = updated !== readme || detailsNow !== details;
  if (stale) console.error('The browser support table is stale: run `npm run build && npm run browsers` and commit README.md and docs/browser-support.md.');
  process.exit(stale || unsupported.length ? 1 : 0);
}
writeFileSync(README, updated);
writeFileSync(DETAILS, details);
console.log(support.table.map(({ engine, floor, missing }) => `${engine.name}: ${missing.length ? `none (lacks ${missing.join(', ')})` : displayVersion(floor)}`).join('\n'));
