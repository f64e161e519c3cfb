import './support/page-guard.js';
import { expect } from '@open-wc/testing';
import { RecentPromises } from '../src/recent-promises.js';

describe('RecentPromises', () => {
  it('starts the work for a key once, keeps the keys used last, and forgets a failure', async () => {
    const started: string[] = [];
    const kept = new RecentPromises<string>(2);
    const get = (key: string) => kept.get(key, () => {
      started.push(key);
      return key === 'bad' ? Promise.reject(new Error(key)) : Promise.resolve(key.toUpperCase());
    });
    expect(await get('a')).to.equal('A');
    expect(await get('a')).to.equal('A');
    await get('b');
    await get('a'); // used last: 'b' is now the one to forget
    await get('c');
    await get('a');
    await get('b');
    expect(started).to.deep.equal(['a', 'b', 'c', 'b']);
    await get('bad').catch(() => undefined);
    await get('bad').catch(() => undefined);
    expect(started.filter((key) => key === 'bad'), 'a failure is tried again').to.have.length(2);
  });
});
