import '../support/page-guard.js';
import { expect } from '@open-wc/testing';
import { cleanName, parseSignal, randomPeerId, toWire, LIMITS, type Signal } from '../../src/signaling/messages.js';

const A = 'aaaaaaaaaaaa';
const B = 'bbbbbbbbbbbb';

describe('signal schema', () => {
  it('accepts every kind in its wire form and returns a clean copy', () => {
    const signals = [
      { kind: 'hello', from: A, name: 'Ada', since: 1700000000000 },
      { kind: 'here', from: A, to: B, name: 'Ada' },
      { kind: 'bye', from: A },
      { kind: 'bye', from: A, reason: 'vanished' },
      { kind: 'offer', from: A, to: B, name: 'Ada', sdp: 'v=0\r\n' },
      { kind: 'answer', from: A, to: B, name: 'Ada', sdp: 'v=0\r\n' },
      { kind: 'candidate', from: A, to: B, candidates: [{ candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host', sdpMid: '0', sdpMLineIndex: 0 }] },
    ] as Signal[];
    for (const signal of signals) expect(parseSignal(toWire(signal))).to.deep.equal(signal);
  });

  it('rejects unknown kinds, wrong versions, bad ids and extra fields', () => {
    expect(parseSignal({ v: 1, kind: 'shout', from: A })).to.equal(undefined);
    expect(parseSignal({ v: 2, kind: 'hello', from: A, name: 'x', since: 1 })).to.equal(undefined);
    expect(parseSignal({ v: 1, kind: 'hello', from: 'short', name: 'x', since: 1 })).to.equal(undefined);
    expect(parseSignal({ v: 1, kind: 'hello', from: 'a/b+c#dddddd', name: 'x', since: 1 })).to.equal(undefined);
    expect(parseSignal({ v: 1, kind: 'hello', from: A, name: 'x', since: 1, extra: 1 })).to.equal(undefined);
    expect(parseSignal({ v: 1, kind: 'hello', from: A, name: 'x' })).to.equal(undefined);
    expect(parseSignal({ v: 1, kind: 'hello', from: A, name: 'x', since: -1 })).to.equal(undefined);
    expect(parseSignal({ v: 1, kind: 'hello', from: A, name: 'x', since: 1.5 })).to.equal(undefined);
    expect(parseSignal({ v: 1, kind: 'offer', from: A, to: B, name: 'x', sdp: '' })).to.equal(undefined);
    expect(parseSignal({ v: 1, kind: 'bye', from: A, reason: 'bored' })).to.equal(undefined);
    expect(parseSignal({ v: 1, kind: 'bye', from: A, to: B })).to.equal(undefined);
    expect(parseSignal({ v: 1, kind: 'offer', from: A, name: 'x', sdp: 'v=0' })).to.equal(undefined);
    expect(parseSignal(null)).to.equal(undefined);
    expect(parseSignal([1, 2])).to.equal(undefined);
    expect(parseSignal('hello')).to.equal(undefined);
  });

  it('enforces length limits', () => {
    expect(parseSignal({ v: 1, kind: 'hello', from: A, name: 'x'.repeat(LIMITS.nameChars + 1), since: 1 })).to.equal(undefined);
    expect(parseSignal({ v: 1, kind: 'offer', from: A, to: B, name: 'x', sdp: 'x'.repeat(LIMITS.sdpChars + 1) })).to.equal(undefined);
    const many = Array.from({ length: LIMITS.candidatesPerMessage + 1 }, () => ({ candidate: 'c' }));
    expect(parseSignal({ v: 1, kind: 'candidate', from: A, to: B, candidates: many })).to.equal(undefined);
    expect(parseSignal({ v: 1, kind: 'candidate', from: A, to: B, candidates: [] })).to.equal(undefined);
    expect(parseSignal({ v: 1, kind: 'candidate', from: A, to: B, candidates: [{ candidate: 'c', sdpMLineIndex: -1 }] })).to.equal(undefined);
  });

  it('never honours __proto__ or constructor keys', () => {
    const hostile = JSON.parse(`{"v":1,"kind":"hello","from":"${A}","name":"x","since":1,"__proto__":{"polluted":1}}`);
    expect(parseSignal(hostile)).to.equal(undefined);
    const nested = JSON.parse(`{"v":1,"kind":"candidate","from":"${A}","to":"${B}","candidates":[{"candidate":"c","constructor":{"prototype":{"polluted":1}}}]}`);
    expect(parseSignal(nested)).to.equal(undefined);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });

  it('cleans display names and makes distinct peer ids', () => {
    expect(cleanName('  Ada\u0000\n ')).to.equal('Ada');
    expect(cleanName('x'.repeat(100))).to.have.length(LIMITS.nameChars);
    expect(Array.from(cleanName('🎥'.repeat(100))), 'never half an emoji').to.have.length(LIMITS.nameChars).and.to.satisfy((cs: string[]) => cs.every((c) => c === '🎥'));
    // A name posing as another by reordering what it shows ("Bob" written backwards, overridden
    // to display forwards), or hiding characters, loses the tricks.
    expect(cleanName('\u202Ebob\u202C')).to.equal('bob');
    expect(cleanName('Ad\u200Ba\u2066\u2069\uFEFF\u061C')).to.equal('Ada');
    expect(cleanName('👩\u200D💻 Ada'), 'emoji sequences keep their joiner').to.equal('👩\u200D💻 Ada');
    // Invisible characters that are no control, direction mark or zero-width space: invisible
    // operators, Hangul fillers, the soft hyphen, tags, separators, variation selectors and
    // joiners where they join nothing.
    for (const hidden of ['\u2061', '\u2062', '\u2063', '\u2064', '\u3164', '\u115F', '\u1160', '\uFFA0', '\u00AD', '\u{E0041}', '\u{E0001}', '\u2028', '\u2029', '\u034F', '\u180E', '\uFE0F', '\u{E0100}', '\u200D', '\u200C']) {
      expect(cleanName(`Ada${hidden}`), `Ada + U+${hidden.codePointAt(0)!.toString(16)}`).to.equal('Ada');
      expect(cleanName(`A${hidden}da`), `A + U+${hidden.codePointAt(0)!.toString(16)} + da`).to.equal('Ada');
    }
    // Where they do visible work, they stay: emoji presentation, keycaps, skin tones in a
    // sequence, the flag of England, Persian's non-joiner.
    for (const shown of ['❤\uFE0F', '1\uFE0F\u20E3', '👨🏽\u200D🚀', '🏳\uFE0F\u200D🌈', '🏴\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}', 'می\u200Cخواهم']) {
      expect(cleanName(shown), shown).to.equal(shown);
    }
    const ids = new Set(Array.from({ length: 100 }, randomPeerId));
    expect(ids.size).to.equal(100);
    for (const id of ids) expect(parseSignal({ v: 1, kind: 'bye', from: id })).to.deep.equal({ kind: 'bye', from: id });
  });

  it('cleans the names it receives, whoever sent them', () => {
    const spoofing = '\u202Eyrgna\u202C\u0007';
    expect(parseSignal({ v: 1, kind: 'hello', from: A, name: spoofing, since: 1 })).to.include({ name: 'yrgna' });
    expect(parseSignal({ v: 1, kind: 'here', from: A, to: B, name: spoofing })).to.include({ name: 'yrgna' });
    expect(parseSignal({ v: 1, kind: 'offer', from: A, to: B, name: spoofing, sdp: 'v=0' })).to.include({ name: 'yrgna' });
  });
});
