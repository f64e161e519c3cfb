// What the bundle asks of a browser, found in the code a site gets: the Web APIs and JavaScript
// built-ins it names, the JavaScript syntax it is written in, and the CSS it styles itself with,
// each as a path into @mdn/browser-compat-data (`api.RTCPeerConnection.restartIce`, ...).
// Used by scripts/browser-support.mjs.
import { parse } from 'acorn';
import bcd from '@mdn/browser-compat-data' with { type: 'json' };

/** Every AST node below `node`, depth first, with its parent. */
function* nodes(node, parent) {
  yield [node, parent];
  for (const value of Object.values(node)) {
    if (Array.isArray(value)) {
      for (const child of value) if (child && typeof child.type === 'string') yield* nodes(child, node);
    } else if (value && typeof value.type === 'string') {
      yield* nodes(value, node);
    }
  }
}

/**
 * The platform interfaces whose objects the code holds, and which of their members it may use:
 * every member BCD knows (`*`), or the few named. Objects come from the platform's factories
 * (a transceiver from its connection, a track from its stream) rather than by name, so the bundle
 * names a member without its interface; matching member names against these alone keeps a name
 * our code or a library gives its own method (`log`, `queue`, `exec`) from counting as an API.
 */
const INTERFACES = {
  RTCPeerConnection: '*',
  RTCRtpSender: '*',
  RTCRtpReceiver: '*',
  RTCRtpTransceiver: '*',
  RTCDataChannel: '*',
  RTCIceCandidate: '*',
  RTCSessionDescription: '*',
  MediaDevices: '*',
  MediaStream: '*',
  MediaStreamTrack: '*',
  MediaRecorder: '*',
  HTMLMediaElement: ['srcObject', 'setSinkId', 'sinkId'],
  HTMLVideoElement: ['requestPictureInPicture', 'requestVideoFrameCallback', 'getVideoPlaybackQuality', 'videoWidth', 'videoHeight'],
  HTMLCanvasElement: ['captureStream'],
  AudioContext: '*',
  BaseAudioContext: ['createMediaStreamSource', 'createAnalyser', 'createOscillator', 'createGain', 'createMediaStreamDestination'],
  AnalyserNode: '*',
  Navigator: ['mediaDevices', 'clipboard', 'permissions'],
  Clipboard: ['writeText'],
  Crypto: '*',
  SubtleCrypto: '*',
  ReadableStream: ['getReader'],
  WritableStream: ['getWriter'],
  Document: ['pictureInPictureEnabled', 'pictureInPictureElement', 'exitPictureInPicture', 'fullscreenElement', 'exitFullscreen', 'fullscreenEnabled'],
  Element: ['requestFullscreen'],
  ShadowRoot: ['adoptedStyleSheets'],
  CSSStyleSheet: ['replaceSync'],
  ResizeObserver: '*',
  Permissions: '*',
};

/**
 * Names these interfaces share whose meaning the code settles (read at the call sites), and
 * names too plain to tell anything (every object of ours has a `type`): those count only as said.
 */
const MEANT = {
  setSinkId: 'api.HTMLMediaElement.setSinkId',
  sinkId: 'api.HTMLMediaElement.sinkId',
  getParameters: 'api.RTCRtpSender.getParameters',
  getCapabilities: 'api.RTCRtpReceiver.getCapabilities_static',
  isTypeSupported: 'api.MediaRecorder.isTypeSupported_static',
};
const PLAIN = new Set(['type', 'url', 'port', 'protocol', 'transform', 'address', 'priority', 'component', 'label', 'id', 'kind', 'state', 'onchange', 'onended', 'onerror', 'onmessage', 'onopen', 'onclose']);

/** For each member name, the BCD paths of the members of the interfaces above that it may be. */
function membersByName() {
  const owners = new Map();
  for (const [iface, members] of Object.entries(INTERFACES)) {
    const data = bcd.api[iface];
    if (!data) continue;
    for (const member of members === '*' ? Object.keys(data) : members) {
      if (member === '__compat' || member === iface || member.includes('_') || !data[member] || PLAIN.has(member)) continue;
      owners.set(member, [...(owners.get(member) ?? []), `api.${iface}.${member}`]);
    }
  }
  for (const [member, path] of Object.entries(MEANT)) owners.set(member, [path]);
  return owners;
}

/** JavaScript syntax the bundle is written in, by the AST node that shows it. */
function syntaxFeatures(node, parent) {
  const found = [];
  if (node.type === 'ChainExpression') found.push('javascript.operators.optional_chaining');
  if (node.type === 'LogicalExpression' && node.operator === '??') found.push('javascript.operators.nullish_coalescing');
  if (node.type === 'AssignmentExpression' && node.operator === '??=') found.push('javascript.operators.nullish_coalescing_assignment');
  if (node.type === 'AssignmentExpression' && node.operator === '||=') found.push('javascript.operators.logical_or_assignment');
  if (node.type === 'AssignmentExpression' && node.operator === '&&=') found.push('javascript.operators.logical_and_assignment');
  if (node.type === 'PrivateIdentifier') found.push(parent?.type === 'MethodDefinition' ? 'javascript.classes.private_class_methods' : 'javascript.classes.private_class_fields');
  if (node.type === 'PropertyDefinition') found.push(node.static ? 'javascript.classes.static.class_fields' : 'javascript.classes.public_class_fields');
  if (node.type === 'StaticBlock') found.push('javascript.classes.static.initialization_blocks');
  if (node.type === 'Literal' && typeof node.bigint === 'string') found.push('javascript.builtins.BigInt');
  if (node.type === 'AwaitExpression' && parent === undefined) found.push('javascript.operators.await.top_level');
  if (node.type === 'Literal' && node.regex) {
    const { pattern, flags } = node.regex;
    if (flags.includes('u') && /\\[pP]\{/.test(pattern)) found.push('javascript.regular_expressions.unicode_character_class_escape');
    if (/\(\?<[=!]/.test(pattern)) found.push('javascript.regular_expressions.lookbehind_assertion');
    if (/\(\?<[A-Za-z_$]/.test(pattern)) found.push('javascript.regular_expressions.named_capturing_group');
    if (flags.includes('s')) found.push('javascript.builtins.RegExp.dotAll');
    if (flags.includes('d')) found.push('javascript.builtins.RegExp.hasIndices');
    if (flags.includes('v')) found.push('javascript.builtins.RegExp.unicodeSets');
  }
  return found;
}

/** Names the bundle declares itself (variables, functions, classes, parameters, imports). */
function declaredNames(ast) {
  const names = new Set();
  const addPattern = (pattern) => {
    if (!pattern) return;
    if (pattern.type === 'Identifier') names.add(pattern.name);
    else if (pattern.type === 'ObjectPattern') pattern.properties.forEach((p) => addPattern(p.type === 'RestElement' ? p.argument : p.value));
    else if (pattern.type === 'ArrayPattern') pattern.elements.forEach(addPattern);
    else if (pattern.type === 'RestElement') addPattern(pattern.argument);
    else if (pattern.type === 'AssignmentPattern') addPattern(pattern.left);
  };
  for (const [node] of nodes(ast)) {
    if (node.type === 'VariableDeclarator') addPattern(node.id);
    if ((node.type === 'FunctionDeclaration' || node.type === 'ClassDeclaration' || node.type === 'FunctionExpression' || node.type === 'ClassExpression') && node.id) names.add(node.id.name);
    if (node.type.includes('Function')) node.params.forEach(addPattern);
    if (node.type === 'CatchClause') addPattern(node.param);
    if (node.type === 'ImportSpecifier' || node.type === 'ImportDefaultSpecifier' || node.type === 'ImportNamespaceSpecifier') names.add(node.local.name);
  }
  return names;
}

/** Whether an Identifier node is a reference (not a property name, a key or a label). */
function isReference(node, parent) {
  if (!parent) return true;
  if (parent.type === 'MemberExpression' && parent.property === node && !parent.computed) return false;
  if ((parent.type === 'Property' || parent.type === 'PropertyDefinition' || parent.type === 'MethodDefinition') && parent.key === node && !parent.computed) return parent.type === 'Property' && parent.shorthand;
  if (parent.type === 'LabeledStatement' || parent.type === 'BreakStatement' || parent.type === 'ContinueStatement') return false;
  if (parent.type === 'ExportSpecifier' || parent.type === 'ImportSpecifier') return false;
  return true;
}

/** The CSS the element styles itself with: properties, at-rules and pseudo-classes found in its style sheets. */
export function cssFeatures(cssText) {
  const found = new Set();
  for (const [, property] of cssText.matchAll(/[{;]\s*([a-z][a-z-]*)\s*:/g)) {
    if (bcd.css.properties[property]) found.add(`css.properties.${property}`);
  }
  for (const [, rule] of cssText.matchAll(/@([a-z-]+)/g)) {
    if (bcd.css['at-rules'][rule]) found.add(`css.at-rules.${rule}`);
  }
  for (const [, pseudo] of cssText.matchAll(/[^:]::?([a-z-]+)(?=[\s,{(.:[>+~)])/g)) {
    if (bcd.css.selectors[pseudo]) found.add(`css.selectors.${pseudo}`);
  }
  for (const [, unit] of cssText.matchAll(/\d(cq[iwhb]|cqmin|cqmax|[dsl]v[hw])\b/g)) {
    if (unit.startsWith('cq')) found.add('css.types.length.container_query_length_units');
    else found.add(`css.types.length.viewport_percentage_units_${{ d: 'dynamic', s: 'small', l: 'large' }[unit[0]]}`);
  }
  for (const [, fn] of cssText.matchAll(/\b(min|max|clamp|color-mix|env|var|calc)\(/g)) {
    const path = { min: 'css.types.min', max: 'css.types.max', clamp: 'css.types.clamp', 'color-mix': 'css.types.color.color-mix', env: 'css.types.env', var: 'css.types.var', calc: 'css.types.calc' }[fn];
    if (path) found.add(path);
  }
  return found;
}

/**
 * The features a script uses, by BCD path, each with where it was seen (`global`, `member`,
 * `syntax`). `cssText`: the style sheets' text, which the bundle holds as strings.
 */
export function bundleFeatures(code, cssText = '') {
  const ast = parse(code, { ecmaVersion: 'latest', sourceType: 'module' });
  const declared = declaredNames(ast);
  const owners = membersByName();
  const features = new Map();
  const note = (path, how) => {
    if (!features.has(path)) features.set(path, how);
  };
  for (const [node, parent] of nodes(ast)) {
    for (const path of syntaxFeatures(node, parent)) note(path, 'syntax');
    if (node.type === 'Identifier' && isReference(node, parent) && !declared.has(node.name)) {
      if (bcd.api[node.name]) note(`api.${node.name}`, 'global');
      else if (bcd.javascript.builtins[node.name]) note(`javascript.builtins.${node.name}`, 'global');
    }
    if (node.type === 'NewExpression' && node.callee.type === 'Identifier' && !declared.has(node.callee.name)) {
      const ctor = bcd.api[node.callee.name]?.[node.callee.name];
      if (ctor) note(`api.${node.callee.name}.${node.callee.name}`, 'global');
    }
    if (node.type === 'MemberExpression' && !node.computed && node.property.type === 'Identifier') {
      // A name several of these interfaces share counts for each: the code may call any of them.
      for (const path of owners.get(node.property.name) ?? []) note(path, 'member');
    }
  }
  for (const path of cssFeatures(cssText)) note(path, 'css');
  return features;
}

/** The compatibility record at a BCD path, or undefined. */
export function compatAt(path) {
  let data = bcd;
  for (const key of path.split('.')) data = data?.[key];
  return data?.__compat;
}

export { bcd };
