// Checks that custom-elements.json (and so the README's API tables) documents every event the
// element declares in its event map and every part its templates write. Exits 1 listing what is
// missing. Run by `npm test`.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const manifest = JSON.parse(readFileSync('custom-elements.json', 'utf8'));
const element = manifest.modules.flatMap((m) => m.declarations ?? []).find((d) => d.tagName === 'video-chat');
const documented = {
  events: new Set((element?.events ?? []).map((e) => e.name)),
  parts: new Set((element?.cssParts ?? []).map((p) => p.name)),
};

// Event names: the keys of VideoChatEventMap in src/events.ts.
const events = readFileSync('src/events.ts', 'utf8');
const map = events.slice(events.indexOf('export interface VideoChatEventMap'), events.indexOf('}', events.indexOf('export interface VideoChatEventMap')));
const eventNames = [...map.matchAll(/^\s+'?([\w-]+)'?: CustomEvent/gm)].map((m) => m[1]);

// Part names written by the templates: part="a b", iconButton('name', …), parts.push('name').
const sources = ['src/element/video-chat.element.ts', ...readdirSync('src/element/views').map((f) => join('src/element/views', f))];
const partNames = new Set();
for (const file of sources) {
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(/part="([^"$]+)"/g)) m[1].split(/\s+/).forEach((p) => partNames.add(p));
  for (const m of text.matchAll(/iconButton\('([\w-]+)'/g)) partNames.add(m[1]);
  for (const m of text.matchAll(/parts\.push\('([\w-]+)'\)/g)) partNames.add(m[1]);
}

const missing = [
  ...eventNames.filter((e) => !documented.events.has(e)).map((e) => `event ${e}`),
  ...[...partNames].filter((p) => !documented.parts.has(p)).map((p) => `part ${p}`),
];
if (missing.length) {
  console.error(`custom-elements.json does not document: ${missing.join(', ')} (JSDoc @fires / @csspart on the element class, then npm run analyze)`);
  process.exit(1);
}
console.log(`custom-elements.json documents all ${eventNames.length} events and ${partNames.size} parts the element uses`);
