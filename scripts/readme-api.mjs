// `npm run readme`: renders the API tables of <video-chat> from custom-elements.json (written by
// `npm run analyze`) into README.md, between the `<!-- api:start -->` and `<!-- api:end -->` markers.
// With --check nothing is written; the exit code is 1 when README.md's section is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MANIFEST = join(ROOT, 'custom-elements.json');
const README = join(ROOT, 'README.md');
const TAG = 'video-chat';
const START = '<!-- api:start -->';
const END = '<!-- api:end -->';

/**
 * Members that a custom element inherits from the platform or from LitElement and may override
 * without them being part of its own API (the analyzer lists such overrides as public methods).
 */
const INHERITED = new Set([
  'addEventListener',
  'removeEventListener',
  'dispatchEvent',
  'connectedCallback',
  'disconnectedCallback',
  'adoptedCallback',
  'attributeChangedCallback',
  'createRenderRoot',
  'render',
  'shouldUpdate',
  'willUpdate',
  'update',
  'updated',
  'firstUpdated',
  'requestUpdate',
  'performUpdate',
  'scheduleUpdate',
  'getUpdateComplete',
]);

function fail(message) {
  console.error(message);
  process.exit(1);
}

/** One table cell: newlines collapsed to spaces, `|` escaped, empty shown as a dash. */
function cell(text) {
  const flat = String(text ?? '').replace(/\s*[\r\n]+\s*/g, ' ').trim().replace(/\|/g, '\\|');
  return flat === '' ? '–' : flat;
}

/** Inline code for a cell; backticks in the value widen the fence so it stays one code span. */
function code(text) {
  if (text === undefined || text === null || text === '') return '';
  const value = String(text).replace(/\s*[\r\n]+\s*/g, ' ').trim();
  const fence = value.includes('`') ? '``' : '`';
  const pad = value.startsWith('`') || value.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${value}${pad}${fence}`;
}

function table(headers, rows) {
  const line = (cells) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(headers), `| ${headers.map(() => '---').join(' | ')} |`, ...rows.map(line)].join('\n');
}

function isPublic(member) {
  return !member.privacy || member.privacy === 'public';
}

function isOwnApi(member) {
  // Static fields are Lit's (styles, properties); static methods are ours (VideoChat.randomRoom()).
  const litStatic = member.static && member.kind !== 'method';
  return isPublic(member) && !litStatic && !member.name.startsWith('_') && !member.name.startsWith('#');
}

function findElement(manifest) {
  for (const module of manifest.modules ?? []) {
    for (const declaration of module.declarations ?? []) {
      if (declaration.customElement && declaration.tagName === TAG) return declaration;
    }
  }
  return undefined;
}

function signature(method, className) {
  const params = (method.parameters ?? [])
    .map((p) => `${p.rest ? '...' : ''}${p.name}${p.optional ? '?' : ''}${p.type?.text ? `: ${p.type.text}` : ''}`)
    .join(', ');
  return `${method.static ? `${className}.` : ''}${method.name}(${params})${method.return?.type?.text ? `: ${method.return.type.text}` : ''}`;
}

/** The Markdown that belongs between the markers. */
function renderApi(manifest) {
  const element = findElement(manifest);
  if (!element) fail(`custom-elements.json declares no <${TAG}> element: run npm run analyze`);
  const members = (element.members ?? []).filter(isOwnApi);
  const sections = [];

  const attributes = (element.attributes ?? []).filter((a) => !a.name.startsWith('_'));
  if (attributes.length) {
    sections.push(`### Attributes\n\n${table(
      ['Attribute', 'Property', 'Type', 'Default', 'Description'],
      attributes.map((a) => [code(a.name), code(a.fieldName), code(a.type?.text), code(a.default), a.description]),
    )}`);
  }

  // Public fields not already listed as attributes: read-only getters and plain properties.
  const attributeFields = new Set(attributes.map((a) => a.fieldName).filter(Boolean));
  const properties = members.filter((m) => m.kind === 'field' && !m.attribute && !attributeFields.has(m.name));
  if (properties.length) {
    sections.push(`### Properties\n\n${table(
      ['Property', 'Type', 'Access', 'Description'],
      properties.map((p) => [code(p.name), code(p.type?.text), p.readonly ? 'read-only' : 'read/write', p.description]),
    )}`);
  }

  const seen = new Set();
  const methods = members.filter((m) => {
    if (m.kind !== 'method' || INHERITED.has(m.name) || seen.has(m.name)) return false;
    seen.add(m.name);
    return true;
  });
  if (methods.length) {
    sections.push(`### Methods\n\n${table(['Method', 'Description'], methods.map((m) => [code(signature(m, element.name)), m.description]))}`);
  }

  const events = (element.events ?? []).filter((e) => e.name && !e.name.startsWith('_'));
  if (events.length) {
    sections.push(`### Events\n\n${table(['Event', 'Description'], events.map((e) => [code(e.name), e.description]))}`);
  }

  const parts = element.cssParts ?? [];
  if (parts.length) {
    sections.push(`### CSS parts\n\n${table(['Part', 'Description'], parts.map((p) => [code(p.name), p.description]))}`);
  }

  const cssProperties = element.cssProperties ?? [];
  if (cssProperties.length) {
    sections.push(`### CSS custom properties\n\n${table(
      ['Property', 'Default', 'Description'],
      cssProperties.map((p) => [code(p.name), code(p.default), p.description]),
    )}`);
  }

  const slots = element.slots ?? [];
  if (slots.length) {
    sections.push(`### Slots\n\n${table(['Slot', 'Description'], slots.map((s) => [s.name ? code(s.name) : '(default)', s.description]))}`);
  }

  return `<!-- Generated from custom-elements.json by \`npm run readme\`; do not edit by hand. -->\n\n${sections.join('\n\n')}`;
}

/** README.md with the section between the markers replaced, or a reason why it cannot be. */
function splice(readme, body) {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start === -1 || end === -1 || end < start) {
    return { error: `README.md needs the markers ${START} and ${END} (in that order) around the API section.` };
  }
  const eol = readme.includes('\r\n') ? '\r\n' : '\n';
  const section = `${START}\n${body}\n\n${END}`.replace(/\n/g, eol);
  return { text: readme.slice(0, start) + section + readme.slice(end + END.length) };
}

function main() {
  const check = process.argv.includes('--check');
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
  } catch (error) {
    fail(`Cannot read custom-elements.json (${error.message}): run npm run analyze`);
  }
  const readme = readFileSync(README, 'utf8');
  const { text, error } = splice(readme, renderApi(manifest));
  if (error) fail(error);
  if (check) {
    if (text !== readme) fail('README API table is stale: run npm run readme');
    console.log('README API table is up to date.');
    return;
  }
  if (text !== readme) {
    writeFileSync(README, text);
    console.log('README.md: API section updated from custom-elements.json.');
  } else {
    console.log('README.md: API section already up to date.');
  }
}

main();
