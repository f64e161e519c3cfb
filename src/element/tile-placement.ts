/**
 * Where each video tile goes in the area the element has for tiles: a rectangle per tile key,
 * always inside the area and never overlapping another tile, the control bar being outside it.
 * Pure arithmetic on the measured area, so the element fits whatever box the page gives it.
 *
 * - Landscape area: an even grid of tiles between 4:3 and 16:9, the number of columns chosen for
 *   the largest tiles, rows centred, a short last row centred (as Google Meet draws its grid).
 * - Portrait area (a phone): with one other visitor theirs fills the area and one's own floats
 *   small in a corner; with more, two columns of tiles that fill their cells.
 * - A tile in the spotlight: large, the others in a strip beside it (below it in a portrait area).
 */

/** A tile's rectangle, in CSS pixels from the top left corner of the tile area. */
export interface TileRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** How the tiles are arranged: an even grid, one visitor over another (phone), or a spotlight. */
export type Arrangement = 'grid' | 'duo' | 'spotlight';

export interface TilePlacement {
  arrangement: Arrangement;
  rects: Map<string, TileRect>;
}

export interface PlacementRequest {
  /** Tile keys in drawing order; `local` is one's own camera. */
  keys: string[];
  /** The key of the tile shown large, if any. */
  spotlight?: string;
  /** The tile area's size. */
  width: number;
  height: number;
  /** Space between tiles. */
  gap: number;
}

/** The widest and (in a landscape area) the tallest shape a grid tile takes. */
const WIDEST = 16 / 9;
const TALLEST_LANDSCAPE = 4 / 3;
/** One's own tile floating over the other visitor's on a phone: its share of the width, 3:4. */
const FLOATING_SHARE = 0.3;
/** Shares of the area the strip beside (or below) a spotlight may take, tried in order. */
const STRIP_SHARES = [0.2, 0.25, 0.3, 0.35, 0.4, 0.45];
/** The smallest tile a strip or a floating self-view is given, where the area allows: 7rem, 16:9. */
const USABLE_TILE = { width: 112, height: 63 };

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

interface Shape {
  /** The widest and tallest width/height ratios a tile may take. */
  widest: number;
  tallest: number;
}

interface Fit {
  columns: number;
  rows: number;
  width: number;
  height: number;
}

/** The column count that gives `count` equal tiles of `shape` the largest size in `box`. */
function bestFit(count: number, box: Box, gap: number, shape: Shape, columnChoices?: number[]): Fit {
  let best: Fit = { columns: 1, rows: count, width: 0, height: 0 };
  for (const columns of columnChoices ?? Array.from({ length: count }, (_, i) => i + 1)) {
    const rows = Math.ceil(count / columns);
    const cellWidth = (box.width - (columns - 1) * gap) / columns;
    const cellHeight = (box.height - (rows - 1) * gap) / rows;
    if (cellWidth <= 0 || cellHeight <= 0) continue;
    const width = Math.min(cellWidth, cellHeight * shape.widest);
    const height = Math.min(cellHeight, cellWidth / shape.tallest);
    if (width * height > best.width * best.height) best = { columns, rows, width, height };
  }
  return best;
}

/** Lays `keys` out row by row in `box` at `fit`'s size, the block and a short last row centred. */
function placeGrid(keys: string[], box: Box, gap: number, fit: Fit, rects: Map<string, TileRect>): void {
  const width = Math.floor(fit.width);
  const height = Math.floor(fit.height);
  const blockHeight = fit.rows * height + (fit.rows - 1) * gap;
  const top = box.y + Math.max(0, Math.floor((box.height - blockHeight) / 2));
  keys.forEach((key, index) => {
    const row = Math.floor(index / fit.columns);
    const inRow = Math.min(fit.columns, keys.length - row * fit.columns);
    const rowWidth = inRow * width + (inRow - 1) * gap;
    const left = box.x + Math.max(0, Math.floor((box.width - rowWidth) / 2));
    rects.set(key, { x: left + (index % fit.columns) * (width + gap), y: top + row * (height + gap), width, height });
  });
}

function gridPlacement(keys: string[], area: Box, gap: number): TilePlacement {
  const rects = new Map<string, TileRect>();
  const portrait = area.height > area.width;
  if (portrait && keys.length === 2 && keys.includes('local')) {
    // A phone call: the other visitor fills the screen, one's own picture floats in a corner.
    const other = keys.find((key) => key !== 'local')!;
    rects.set(other, { x: area.x, y: area.y, width: Math.floor(area.width), height: Math.floor(area.height) });
    const width = Math.floor(Math.min(area.width / 2, Math.max(USABLE_TILE.width, area.width * FLOATING_SHARE)));
    rects.set('local', { x: area.x + Math.floor(area.width) - width - gap, y: area.y + gap, width, height: Math.floor(width * 4 / 3) });
    return { arrangement: 'duo', rects };
  }
  // A portrait area takes tiles of any height (the camera is cropped, as phone apps do), in two
  // columns once three visitors share it.
  const shape = portrait ? { widest: WIDEST, tallest: 0 } : { widest: WIDEST, tallest: TALLEST_LANDSCAPE };
  const columns = portrait ? [Math.min(2, keys.length)] : undefined;
  placeGrid(keys, area, gap, bestFit(keys.length, area, gap, shape, columns), rects);
  return { arrangement: 'grid', rects };
}

function spotlightPlacement(keys: string[], spotlight: string, area: Box, gap: number): TilePlacement {
  const rects = new Map<string, TileRect>();
  const others = keys.filter((key) => key !== spotlight);
  const portrait = area.height > area.width;
  // The strip takes the smallest share of the area at which its tiles stay usable.
  let strip: Box = area;
  let fit: Fit | undefined;
  for (const share of others.length ? STRIP_SHARES : []) {
    strip = portrait
      ? { x: area.x, y: area.y + area.height - Math.floor(area.height * share), width: area.width, height: Math.floor(area.height * share) }
      : { x: area.x + area.width - Math.floor(area.width * share), y: area.y, width: Math.floor(area.width * share), height: area.height };
    fit = bestFit(others.length, strip, gap, { widest: WIDEST, tallest: TALLEST_LANDSCAPE });
    if (fit.width >= USABLE_TILE.width && fit.height >= USABLE_TILE.height) break;
  }
  const large: Box = !fit
    ? area
    : portrait
      ? { ...area, height: area.height - strip.height - gap }
      : { ...area, width: area.width - strip.width - gap };
  // The spotlight fills its part of the area up to 16:9: a screen is shown whole inside it, a
  // camera cropped.
  placeGrid([spotlight], large, gap, bestFit(1, large, gap, { widest: WIDEST, tallest: 0 }), rects);
  if (fit) placeGrid(others, strip, gap, fit, rects);
  return { arrangement: 'spotlight', rects };
}

/** The rectangle of every tile in `request`'s area. */
export function placeTiles(request: PlacementRequest): TilePlacement {
  const area: Box = { x: 0, y: 0, width: Math.max(0, request.width), height: Math.max(0, request.height) };
  const { keys, spotlight, gap } = request;
  if (spotlight && keys.includes(spotlight) && keys.length > 1) return spotlightPlacement(keys, spotlight, area, gap);
  return gridPlacement(keys, area, gap);
}
