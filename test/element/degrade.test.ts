import '../support/page-guard.js';
import { expect } from '@open-wc/testing';
import { connectedPair, removeVisitors } from '../support/visitors.js';
import { remoteTiles } from '../support/helpers.js';

afterEach(removeVisitors);

/** Runs `body` in a page whose document says it lacks fullscreen and picture-in-picture (as Safari on iPhone, Firefox). */
async function withoutFullscreenAndPip(body: () => Promise<void>): Promise<void> {
  for (const name of ['fullscreenEnabled', 'pictureInPictureEnabled']) Object.defineProperty(document, name, { get: () => false, configurable: true });
  try {
    await body();
  } finally {
    for (const name of ['fullscreenEnabled', 'pictureInPictureEnabled']) delete (document as unknown as Record<string, unknown>)[name];
  }
}

describe('<video-chat> in a browser without some features', () => {
  it('shows no fullscreen or picture-in-picture button where the browser has none, and a call all the same', async () => {
    await withoutFullscreenAndPip(async () => {
      const [ada] = await connectedPair();
      await ada.updateComplete;
      const [tile] = remoteTiles(ada);
      expect(tile, 'the other visitor\'s tile').to.exist;
      expect(tile.querySelector('[part~="fullscreen"]'), 'fullscreen').to.equal(null);
      expect(tile.querySelector('[part~="pip"]'), 'picture-in-picture').to.equal(null);
      expect(tile.querySelector('[part~="pin"]'), 'pin, which needs nothing of the browser').to.exist;
    });
  });
});
