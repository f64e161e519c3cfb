import './support/page-guard.js';
import { expect } from '@open-wc/testing';
import { plainText } from '../src/plain-text.js';

describe('plainText', () => {
  it('keeps a chat message\'s lines, making every kind of line break a newline, and nothing invisible', () => {
    expect(plainText('one\r\ntwo\rthree\u2028four\u2029five\tsix', 100, { keepLineBreaks: true })).to.equal('one\ntwo\nthree\nfour\nfive\tsix');
    expect(plainText('one\u2028two', 100)).to.equal('onetwo');
    expect(plainText('pay\u2062 Ada\u00AD 10\u3164€', 100, { keepLineBreaks: true })).to.equal('pay Ada 10€');
  });

  it('counts what it removed as nothing toward the limit', () => {
    expect(plainText(`${'\u2063'.repeat(50)}Ada`, 3)).to.equal('Ada');
  });
});
