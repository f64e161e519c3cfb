/**
 * Measures the area the element has for its video tiles, so that tiles are sized to the element
 * (whatever box the page gives it) and not to the window. A ResizeObserver follows the element
 * and its tile grid; its reports come after layout and before paint, so tiles are placed for a
 * new size before it is drawn.
 *
 * Where the page gives the element no height, the tile area takes `fitHeight`: the height that
 * lets the whole element, control bar included, fit in the window below where the element starts
 * on the first screen (never less than FLOOR_PX, never more than its width calls for).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export interface AreaSize {
  width: number;
  height: number;
  /** The space between tiles, from the stylesheet (`--video-chat-gap`). */
  gap: number;
}

/** The least height the tile area takes when the page leaves the height to the element. */
const FLOOR_PX = 240;
/** Below this width the element is a phone's, whose calls are tall. */
const NARROW_PX = 600;

type Host = ReactiveControllerHost & HTMLElement & { renderRoot: ParentNode };

export class TileAreaController implements ReactiveController {
  /** The tile grid's size in a call, once measured. */
  size?: AreaSize;
  /** The tile area's height for a page that gives the element no height, once measured. */
  fitHeight?: number;
  private observer?: ResizeObserver;
  private grid?: HTMLElement;
  private fitFrame?: number;
  private readonly onWindowResize = () => this.measure();

  constructor(private readonly host: Host) {
    host.addController(this);
  }

  hostConnected(): void {
    if (typeof ResizeObserver === 'undefined') return;
    this.observer = new ResizeObserver(() => this.measure());
    this.observer.observe(this.host);
    window.addEventListener('resize', this.onWindowResize);
    // Moved in the page while in a call: its grid is there already, with no new render to come.
    this.followGrid();
  }

  hostDisconnected(): void {
    this.observer?.disconnect();
    this.observer = undefined;
    this.grid = undefined;
    window.removeEventListener('resize', this.onWindowResize);
    if (this.fitFrame !== undefined) cancelAnimationFrame(this.fitFrame);
    this.fitFrame = undefined;
  }

  hostUpdated(): void {
    this.followGrid();
  }

  private followGrid(): void {
    // The grid of a call; the same element holds the self-view before joining, unmeasured then.
    const grid = this.host.renderRoot?.querySelector<HTMLElement>('.stage [part~="grid"]') ?? undefined;
    if (grid === this.grid) return;
    if (this.grid) this.observer?.unobserve(this.grid);
    this.grid = grid;
    if (grid) this.observer?.observe(grid);
    else this.size = undefined;
  }

  private measure(): void {
    const { grid, host } = this;
    if (!grid?.isConnected) return;
    const width = grid.clientWidth;
    const height = grid.clientHeight;
    // Hidden (a panel takes the whole of a narrow element): keep the last size for its return.
    if (width === 0 && height === 0) return;
    const gap = Number.parseFloat(getComputedStyle(grid).rowGap) || 0;
    if (!this.size || this.size.width !== width || this.size.height !== height || this.size.gap !== gap) {
      // Placing tiles changes neither the grid's size nor the element's: drawn before paint.
      this.size = { width, height, gap };
      host.requestUpdate();
    }
    const fitHeight = this.fitHeightFor(host.getBoundingClientRect(), width, height, gap);
    if (fitHeight === this.fitHeight) return;
    // A new height resizes what is observed: applied in the next frame, for a resize within the
    // observer's report would end its loop with an error event on the page's window.
    if (this.fitFrame !== undefined) cancelAnimationFrame(this.fitFrame);
    this.fitFrame = requestAnimationFrame(() => {
      this.fitFrame = undefined;
      this.fitHeight = fitHeight;
      host.requestUpdate();
    });
  }

  private fitHeightFor(box: DOMRect, width: number, height: number, gap: number): number {
    // Everything but the tiles: padding, the control bar, notes. It does not depend on the tile
    // area's height, so the height found here holds once applied.
    const chrome = box.height - height;
    const top = box.top + window.scrollY;
    // An element further down than the first screen fits the window once scrolled to.
    const above = top < window.innerHeight ? top : 0;
    const room = window.innerHeight - above - chrome - gap;
    const widest = width < NARROW_PX ? width * 16 / 9 : width * 3 / 4;
    return Math.round(Math.max(Math.min(FLOOR_PX, widest), Math.min(room, widest)));
  }
}
