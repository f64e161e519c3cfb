import '../support/page-guard.js';
import { expect } from '@open-wc/testing';
import { placeTiles, type TileRect } from '../../src/element/tile-placement.js';

const keysFor = (n: number) => ['local', ...Array.from({ length: n - 1 }, (_, i) => `peer-${i + 1}`)];
const inside = (r: TileRect, width: number, height: number) => r.x >= 0 && r.y >= 0 && r.x + r.width <= width && r.y + r.height <= height;
const apart = (a: TileRect, b: TileRect) => a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;

/** Tile areas: the demo at 1280×800, an 800×500 box, phones, a wide strip, a narrow column, tiny. */
const AREAS = [[1248, 640], [784, 412], [358, 480], [374, 640], [1600, 300], [300, 900], [120, 80]];

describe('placeTiles', () => {
  it('puts every tile inside the area, apart from the others (but the floating self-view), for 1 to 10 tiles, grid and spotlight', () => {
    for (const [width, height] of AREAS) {
      for (let n = 1; n <= 10; n++) {
        for (const spotlight of [undefined, 'peer-1', 'local']) {
          const keys = keysFor(n);
          const { arrangement, rects } = placeTiles({ keys, spotlight, width, height, gap: 8 });
          const what = `${n} tiles in ${width}×${height}${spotlight ? `, ${spotlight} in the spotlight` : ''}`;
          expect([...rects.keys()].sort(), `${what}: every tile placed`).to.deep.equal([...keys].sort());
          const placed = [...rects.values()];
          for (const rect of placed) expect(inside(rect, width, height), `${what}: ${JSON.stringify(rect)} inside`).to.equal(true);
          if (arrangement === 'duo') continue;
          for (let i = 0; i < placed.length; i++) for (let j = i + 1; j < placed.length; j++) {
            expect(apart(placed[i], placed[j]), `${what}: ${JSON.stringify(placed[i])} and ${JSON.stringify(placed[j])} apart`).to.equal(true);
          }
        }
      }
    }
  });

  it('keeps grid tiles between 4:3 and 16:9 in a landscape area, and makes them as large as it can', () => {
    const { rects } = placeTiles({ keys: keysFor(6), width: 1248, height: 640, gap: 8 });
    for (const rect of rects.values()) {
      expect(rect.width / rect.height).to.be.within(4 / 3 - 0.02, 16 / 9 + 0.02);
      // Three columns of two rows; four columns would leave tiles of at most 306 px.
      expect(rect.width).to.be.above(400);
    }
  });

  it('lays a phone out as phone calls do: one visitor over the other, then two columns', () => {
    const duo = placeTiles({ keys: keysFor(2), width: 374, height: 480, gap: 8 });
    expect(duo.arrangement).to.equal('duo');
    expect(duo.rects.get('peer-1')).to.deep.equal({ x: 0, y: 0, width: 374, height: 480 });
    const own = duo.rects.get('local')!;
    expect(own.width, 'one\'s own picture small').to.be.below(374 / 2);
    expect(own.x + own.width, 'in the top right corner').to.equal(374 - 8);
    for (const n of [3, 4, 6, 8]) {
      const { rects } = placeTiles({ keys: keysFor(n), width: 374, height: 480, gap: 8 });
      expect(new Set([...rects.values()].map((r) => r.width)).size, `${n}: one size`).to.equal(1);
      expect([...rects.values()][0].width, `${n}: two columns`).to.equal(Math.floor((374 - 8) / 2));
    }
  });

  it('puts the strip beside a spotlight in a landscape area and below it in an upright one', () => {
    const wide = placeTiles({ keys: keysFor(3), spotlight: 'peer-1', width: 1248, height: 640, gap: 8 });
    const large = wide.rects.get('peer-1')!;
    for (const key of ['local', 'peer-2']) expect(wide.rects.get(key)!.x, key).to.be.at.least(large.x + large.width);
    const upright = placeTiles({ keys: keysFor(3), spotlight: 'peer-1', width: 374, height: 480, gap: 8 });
    const top = upright.rects.get('peer-1')!;
    for (const key of ['local', 'peer-2']) expect(upright.rects.get(key)!.y, key).to.be.at.least(top.y + top.height);
  });
});
