import { css } from 'lit';

export const videoChatStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    position: relative;
    box-sizing: border-box;
    min-height: 240px;
    padding: var(--video-chat-gap, 8px);
    background: var(--video-chat-background, #111418);
    color: var(--video-chat-color, #f3f4f6);
    font: var(--video-chat-font, 14px/1.4 system-ui, sans-serif);
    border-radius: var(--video-chat-radius, 8px);
    container-type: inline-size;
  }
  :host([hidden]) {
    display: none;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  /* In a call: tiles, then the control bar and notes. The stage fills the height the page gives
     the element, and no more: the tile area shrinks, never the bar. */
  .stage {
    display: flex;
    flex-direction: column;
    gap: var(--video-chat-gap, 8px);
    flex: 1 1 auto;
    min-height: 0;
  }
  /* Tiles and, when one is open, a side panel. Before joining it holds nothing of its own. */
  .main {
    display: contents;
  }
  /* The tile area. Its basis is its height where the page gives the element none: --fit-height,
     measured (tile-area.ts) so that the element fits the window below where it starts; the same
     from the stylesheet until then. A page's height (or min-height) grows or shrinks it. */
  .stage > .main {
    display: grid;
    grid-template-columns: minmax(0, 1fr);
    grid-template-rows: minmax(0, 1fr);
    gap: var(--video-chat-gap, 8px);
    flex: 1 1 var(--fit-height, clamp(15rem, 100dvh - 12rem, 75cqi));
    min-height: 0;
  }
  .stage.with-panel > .main {
    grid-template-columns: minmax(0, 1fr) var(--video-chat-panel-width, 320px);
  }
  .panel {
    display: flex;
    flex-direction: column;
    min-height: 320px;
    max-height: calc(100dvh - 6rem);
    background: var(--video-chat-panel-background, #1f2937);
    border-radius: var(--video-chat-radius, 8px);
    overflow: hidden;
  }
  /* In a narrow element an open panel takes the stage; the call goes on behind it. */
  @container (max-width: 640px) {
    .stage.with-panel > .main {
      grid-template-columns: minmax(0, 1fr);
    }
    .stage.with-panel > .main > .grid,
    .stage.with-panel > [part~='empty'] {
      display: none;
    }
  }
  [part~='prejoin'] .panel {
    min-height: 0;
  }
  .prejoin-actions {
    display: flex;
    gap: var(--video-chat-gap, 8px);
    align-items: center;
  }
  .prejoin-actions [part~='join'] {
    flex: 1;
  }
  .fields {
    display: grid;
    gap: 12px;
    padding: 12px 16px 16px;
  }
  .field {
    display: grid;
    gap: 4px;
  }
  select {
    font: inherit;
    padding: 8px;
    border-radius: 6px;
    border: 1px solid rgb(255 255 255 / 0.3);
    background: #111418;
    color: inherit;
    max-width: 100%;
  }
  select:focus-visible {
    outline: 2px solid var(--video-chat-accent, #2563eb);
    outline-offset: 2px;
  }
  .panel-header {
    display: flex;
    align-items: center;
    justify-content: space-between;
    padding: 8px 8px 8px 16px;
    border-bottom: 1px solid rgb(255 255 255 / 0.1);
  }
  .panel-header h2 {
    margin: 0;
    font-size: 1rem;
  }
  .messages {
    flex: 1;
    padding: 8px 16px;
    overflow-y: auto;
  }
  .messages ol {
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .messages li {
    margin: 0 0 12px;
  }
  .messages .who {
    font-weight: 600;
    margin-inline-end: 8px;
  }
  .messages time {
    font-size: 12px;
    opacity: 0.7;
  }
  .messages p {
    margin: 2px 0 0;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  .messages .hint {
    opacity: 0.7;
    font-size: 13px;
  }
  .composer {
    display: flex;
    gap: 8px;
    padding: 8px;
    border-top: 1px solid rgb(255 255 255 / 0.1);
  }
  .composer input {
    flex: 1;
    min-width: 0;
  }
  button.icon-button.small {
    width: 2.25rem;
    height: 2.25rem;
    background: transparent;
  }
  button.icon-button.small:hover {
    background: rgb(255 255 255 / 0.14);
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  label.icon-button {
    position: relative;
    display: inline-grid;
    place-items: center;
    border-radius: 999px;
    cursor: pointer;
  }
  label.icon-button.small {
    width: 2.25rem;
    height: 2.25rem;
  }
  label.icon-button.small:hover {
    background: rgb(255 255 255 / 0.14);
  }
  label.icon-button:focus-within {
    outline: 2px solid var(--video-chat-accent, #2563eb);
    outline-offset: 2px;
  }
  .messages .file a {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    color: inherit;
  }
  .messages .size {
    font-size: 12px;
    opacity: 0.7;
  }
  .badge {
    position: absolute;
    top: -2px;
    right: -2px;
    min-width: 1.25rem;
    padding: 0 4px;
    border-radius: 999px;
    background: var(--video-chat-accent, #2563eb);
    color: #fff;
    font-size: 11px;
    line-height: 1.25rem;
  }
  .grid {
    position: relative;
    display: grid;
    gap: var(--video-chat-gap, 8px);
    grid-template-columns: repeat(var(--columns, 1), minmax(0, 1fr));
    align-content: center;
    flex: 1;
    min-width: 0;
    min-height: 0;
  }
  /* Measured: every tile at the rectangle tile-placement.ts gives it inside the tile area. */
  .grid.placed {
    display: block;
  }
  .stage .grid.placed > [part~='tile'] {
    position: absolute;
    left: var(--tile-x, 0);
    top: var(--tile-y, 0);
    width: var(--tile-width, 100%);
    height: var(--tile-height-px, auto);
    max-width: none;
    aspect-ratio: auto;
  }
  /* A phone with one other visitor: theirs fills the area, one's own floats small in a corner. */
  .grid.duo > [part~='local'] {
    z-index: 1;
    box-shadow: 0 2px 8px rgb(0 0 0 / 0.5);
  }
  .grid.duo > [part~='local'] .tile-actions {
    display: none;
  }
  .grid.duo > [part~='remote'] .tile-actions {
    left: 8px;
    right: auto;
  }
  [part~='tile'] {
    position: relative;
    margin: 0;
    aspect-ratio: 16 / 9;
    overflow: hidden;
    background: #000;
    border-radius: var(--video-chat-radius, 8px);
    /* No taller than the window leaves room for, with the controls (about 9rem) in view: alone in a
       wide element, the one tile would otherwise fill the window and push Leave below it. */
    width: 100%;
    justify-self: center;
    --tile-height: calc((100vh - 9rem - (var(--rows, 1) - 1) * var(--video-chat-gap, 8px)) / var(--rows, 1));
    max-width: max(10rem, var(--tile-height) * 16 / 9);
  }
  /* A ring around the tile of whoever speaks, as meeting apps draw one. */
  [part~='speaking']::after {
    content: '';
    position: absolute;
    inset: 0;
    border: 3px solid var(--video-chat-speaking-color, var(--video-chat-accent, #2563eb));
    border-radius: inherit;
    pointer-events: none;
  }
  @supports (height: 100dvh) {
    [part~='tile'] {
      --tile-height: calc((100dvh - 9rem - (var(--rows, 1) - 1) * var(--video-chat-gap, 8px)) / var(--rows, 1));
    }
  }
  @container (max-width: 480px) {
    .grid {
      grid-template-columns: minmax(0, 1fr);
    }
    /* Stacked in a narrow element, tiles scroll like a list instead. */
    [part~='tile'] {
      max-width: none;
    }
    /* Every control in view at phone width: smaller, closer, and on a second row when one is not
       enough (a bar scrolling sideways hid Leave off its edge). */
    .stage > [part~='controls'] {
      gap: 4px;
      padding: 6px;
    }
    .stage > [part~='controls'] > * {
      flex: none;
    }
    .stage button.icon-button:not(.small) {
      width: 2.5rem;
      height: 2.5rem;
    }
  }
  video {
    display: block;
    width: 100%;
    height: 100%;
    object-fit: cover;
    background: #000;
  }
  [part~='local']:not([part~='screen']) video {
    transform: scaleX(-1);
  }
  /* A shared screen is shown whole, never cropped. */
  [part~='screen'] video {
    object-fit: contain;
  }
  /* Spotlight: one tile large, the others in a strip beside it (below it in a narrow element). */
  .grid.spotlight {
    grid-template-columns: minmax(0, 1fr) minmax(7rem, 18%);
    grid-auto-rows: min-content;
    align-content: start;
  }
  .grid.spotlight > [part~='tile'] {
    grid-column: 2;
    max-width: none;
  }
  .grid.spotlight > [part~='spotlight'] {
    grid-column: 1;
    grid-row: 1 / span 12;
    order: -1;
    align-self: start;
    max-width: max(10rem, (100dvh - 9rem) * 16 / 9);
  }
  @container (max-width: 640px) {
    .grid.spotlight {
      grid-template-columns: repeat(3, minmax(0, 1fr));
    }
    .grid.spotlight > [part~='tile'] {
      grid-column: auto;
    }
    .grid.spotlight > [part~='spotlight'] {
      grid-column: 1 / -1;
      grid-row: auto;
    }
  }
  /* Tile buttons: picture-in-picture, fullscreen, pin; shown on hover and while one has focus. */
  .tile-actions {
    position: absolute;
    top: 8px;
    right: 8px;
    display: flex;
    gap: 4px;
    opacity: 0;
    transition: opacity 0.15s;
  }
  [part~='tile']:hover .tile-actions,
  .tile-actions:focus-within {
    opacity: 1;
  }
  .tile-actions button.icon-button.small {
    background: rgb(0 0 0 / 0.6);
    color: #fff;
  }
  .tile-actions [data-tooltip]::after {
    bottom: auto;
    top: calc(100% + 6px);
  }
  [part~='name'] {
    position: absolute;
    left: 8px;
    bottom: 8px;
    display: flex;
    align-items: center;
    gap: 4px;
    max-width: calc(100% - 16px);
    padding: 2px 8px;
    background: rgb(0 0 0 / 0.6);
    color: #fff;
    border-radius: 4px;
  }
  [part~='name'] .label {
    overflow: hidden;
    white-space: nowrap;
    text-overflow: ellipsis;
  }
  .recording-mark {
    position: absolute;
    top: 8px;
    left: 8px;
    display: inline-flex;
    align-items: center;
    gap: 4px;
    padding: 2px 8px;
    border-radius: 4px;
    background: #b42318;
    color: #fff;
    font-size: 12px;
    font-weight: 700;
  }
  .recording-mark .icon {
    width: 1em;
    height: 1em;
  }
  [part~='record'][aria-pressed='true'] {
    background: #b42318;
  }
  .recording-ready a {
    color: inherit;
    font-weight: 600;
  }
  .muted-mark {
    display: inline-flex;
    color: #fca5a5;
  }
  .muted-mark .icon {
    width: 1em;
    height: 1em;
  }
  /* A remote visitor's link when it is worth a look: amber when fair, red when poor, white when
     only relayed. */
  .link-mark {
    display: inline-flex;
    align-items: center;
    margin-inline-end: 6px;
    padding: 1px 3px;
    border-radius: 4px;
    color: #f9fafb;
    background: rgb(255 255 255 / 0.18);
  }
  .link-mark.fair {
    color: #111827;
    background: #fbbf24;
  }
  .link-mark.poor {
    color: #fff;
    background: #dc2626;
  }
  .link-mark .icon {
    width: 1em;
    height: 1em;
    stroke-width: 3;
  }
  /* A tile whose camera is off shows its visitor's initials, not a black (or frozen) frame. */
  [part~='avatar'] {
    position: absolute;
    inset: 0;
    display: grid;
    place-items: center;
    background: var(--video-chat-tile-background, #1f2937);
  }
  /* Sized by the tile's height too: in a short tile of a full grid it leaves room for the name. */
  [part~='avatar'] span {
    display: grid;
    place-items: center;
    height: min(45%, 40cqi, 7rem);
    aspect-ratio: 1;
    border-radius: 50%;
    background: var(--video-chat-accent, #2563eb);
    color: #fff;
    font-size: clamp(1rem, 6cqi, 2.5rem);
    font-weight: 600;
  }
  [part~='tile'] {
    container-type: inline-size;
  }
  [part~='empty'] {
    margin: 0;
    text-align: center;
    opacity: 0.85;
  }
  /* The control bar stays in view however tall the element is: it sticks to the bottom of the
     window while the element's own bottom is below the fold. */
  [part~='controls'] {
    position: sticky;
    bottom: 0;
    z-index: 2;
    display: flex;
    flex-wrap: wrap;
    justify-content: center;
    gap: var(--video-chat-gap, 8px);
    padding: var(--video-chat-gap, 8px);
    background: var(--video-chat-controls-background, rgb(17 20 24 / 0.85));
    border-radius: var(--video-chat-radius, 8px);
  }
  .icon {
    width: 1.25em;
    height: 1.25em;
    flex: none;
  }
  button.icon-button {
    position: relative;
    display: inline-grid;
    place-items: center;
    width: 3rem;
    height: 3rem;
    padding: 0;
  }
  button .icon + span {
    margin-inline-start: 6px;
  }
  [part~='unmute'] {
    display: inline-flex;
    align-items: center;
  }
  /* Tooltips: the button's accessible name, on hover and on keyboard focus. */
  [data-tooltip]::after {
    content: attr(data-tooltip);
    position: absolute;
    bottom: calc(100% + 6px);
    left: 50%;
    transform: translateX(-50%);
    padding: 4px 8px;
    border-radius: 4px;
    background: #000;
    color: #fff;
    font-size: 12px;
    white-space: nowrap;
    pointer-events: none;
    opacity: 0;
    transition: opacity 0.15s;
  }
  [data-tooltip]:hover::after,
  [data-tooltip]:focus-visible::after {
    opacity: 1;
  }
  button {
    font: inherit;
    padding: 8px 16px;
    border: 0;
    border-radius: 999px;
    background: rgb(255 255 255 / 0.14);
    color: inherit;
    cursor: pointer;
  }
  button:hover {
    background: rgb(255 255 255 / 0.22);
  }
  button:focus-visible,
  input:focus-visible {
    outline: 2px solid var(--video-chat-accent, #2563eb);
    outline-offset: 2px;
  }
  button[aria-expanded='true'] {
    background: rgb(255 255 255 / 0.3);
  }
  button[aria-pressed='true'] {
    background: #b42318;
  }
  button:disabled {
    opacity: 0.5;
    cursor: not-allowed;
  }
  [part~='leave'] {
    background: #b42318;
  }
  [part~='join'],
  [part~='matches'] {
    background: var(--video-chat-accent, #2563eb);
    color: #fff;
  }
  /* The safety code: seven emoji with their names, then the digits. */
  .warning {
    margin: 0;
    padding: 8px;
    border-radius: 6px;
    background: rgb(251 191 36 / 15%);
    color: #fde68a;
  }
  .warning .icon {
    color: #fbbf24;
    vertical-align: -0.25em;
  }
  .safety-code {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(64px, 1fr));
    gap: 8px;
    margin: 0;
    padding: 0;
    list-style: none;
    text-align: center;
  }
  .safety-code .emoji {
    display: block;
    font-size: 2rem;
    line-height: 1.2;
  }
  .safety-code .emoji-name {
    font-size: 0.8em;
    opacity: 0.85;
  }
  .digits-label {
    margin: 0;
    opacity: 0.85;
  }
  .digits {
    margin: 0;
    font-size: 1.5rem;
    font-variant-numeric: tabular-nums;
    letter-spacing: 0.1em;
  }
  .verify-answers {
    display: flex;
    flex-wrap: wrap;
    gap: var(--video-chat-gap, 8px);
  }
  .verified-mark,
  .key-changed-mark {
    display: inline-flex;
    margin-inline-end: 4px;
    color: #4ade80;
    vertical-align: -0.2em;
  }
  .key-changed-mark {
    color: #fbbf24;
  }
  /* The pre-join view as meeting apps lay it out: the preview large, the mic and camera toggles
     over it, the name and Join beside it (below it in a narrow element). */
  [part~='prejoin'] {
    display: grid;
    grid-template-columns: minmax(0, 1fr);
    gap: calc(var(--video-chat-gap, 8px) * 2);
    align-content: center;
    width: 100%;
    max-width: 1120px;
    margin: 0 auto;
    flex: 1;
  }
  @container (min-width: 720px) {
    [part~='prejoin']:not(.prejoin-again) {
      grid-template-columns: minmax(0, 1fr) minmax(240px, 300px);
      grid-template-rows: 1fr auto auto 1fr;
      column-gap: calc(var(--video-chat-gap, 8px) * 4);
    }
    [part~='prejoin']:not(.prejoin-again) > .main > .preview {
      grid-column: 1;
      grid-row: 1 / 5;
    }
    [part~='prejoin']:not(.prejoin-again) > .prejoin-form {
      grid-column: 2;
      grid-row: 2;
    }
    [part~='prejoin']:not(.prejoin-again) > .main > .panel {
      grid-column: 2;
      grid-row: 3;
    }
    [part~='prejoin']:not(.prejoin-again) > .status {
      grid-column: 1 / -1;
    }
  }
  /* After a visit: Join again, alone. */
  [part~='prejoin'].prejoin-again {
    max-width: 360px;
  }
  [part~='prejoin'].prejoin-again > .main > .preview {
    display: none;
  }
  /* The preview: the self-view with the toggles, the initials or the blocked note stacked over it. */
  [part~='prejoin'] .preview {
    position: relative;
    display: grid;
    container-type: inline-size;
    justify-self: center;
    width: 100%;
    /* No taller than the window leaves room for, with the name and Join in view. */
    max-width: max(16rem, (100dvh - 8rem) * 16 / 9);
  }
  [part~='prejoin'] .preview > * {
    grid-area: 1 / 1;
  }
  @container (min-width: 720px) {
    [part~='prejoin']:not(.prejoin-again) > .main > .preview {
      align-self: center;
    }
  }
  /* The name at the top, as meeting apps show it: the toggles take the bottom. */
  [part~='prejoin'] [part~='local'] [part~='name'] {
    top: 8px;
    bottom: auto;
  }
  [part~='prejoin'] .preview > [part~='local'] {
    max-width: none;
  }
  @container (max-width: 480px) {
    /* A phone holds the preview upright, as its camera apps do. */
    [part~='prejoin'] .preview {
      max-width: max(12rem, (100dvh - 16rem) * 3 / 4);
    }
    [part~='prejoin'] .preview > [part~='local'] {
      aspect-ratio: 3 / 4;
    }
  }
  .prejoin-toggles {
    z-index: 1;
    align-self: end;
    justify-self: center;
    display: flex;
    align-items: center;
    gap: 12px;
    margin-bottom: 12px;
  }
  .prejoin-toggles button.icon-button {
    background: rgb(17 20 24 / 0.6);
    border: 1px solid rgb(255 255 255 / 0.35);
  }
  .prejoin-toggles button.icon-button:hover {
    background: rgb(17 20 24 / 0.8);
  }
  .prejoin-toggles button.icon-button[aria-pressed='true'] {
    background: #b42318;
    border-color: #b42318;
  }
  /* The microphone's level: three bars, redrawn only through --level (0 to 1), never a re-render. */
  .level-meter {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 3px;
    width: 2rem;
    height: 2rem;
    margin-inline-start: -6px;
    border-radius: 50%;
    background: rgb(17 20 24 / 0.6);
  }
  .level-meter span {
    width: 4px;
    height: 14px;
    border-radius: 2px;
    background: var(--video-chat-accent, #2563eb);
    transform: scaleY(max(0.25, var(--level, 0) * 0.7));
    transition: transform 80ms linear;
  }
  .level-meter span:nth-child(2) {
    transform: scaleY(max(0.25, var(--level, 0)));
  }
  .preview-avatar {
    z-index: 0;
    border-radius: var(--video-chat-radius, 8px);
  }
  .media-blocked {
    z-index: 2;
    align-self: center;
    justify-self: center;
    max-width: min(92%, 30rem);
    max-height: 100%;
    overflow: auto;
    padding: 16px 20px;
    border-radius: var(--video-chat-radius, 8px);
    background: rgb(17 20 24 / 0.92);
    text-align: center;
  }
  .media-blocked > .icon {
    width: 2rem;
    height: 2rem;
    color: #fbbf24;
  }
  .media-blocked p {
    margin: 8px 0 0;
  }
  .media-blocked .media-blocked-title {
    font-size: 1.15em;
    font-weight: 600;
  }
  .media-blocked .media-blocked-more {
    font-size: 0.9em;
    opacity: 0.8;
  }
  .prejoin-form {
    display: grid;
    gap: 12px;
    align-content: center;
  }
  .prejoin-title {
    margin: 0;
    font-size: 1.5rem;
    font-weight: 500;
  }
  [part~='prejoin'] label {
    display: grid;
    gap: 4px;
  }
  .prejoin-actions [part~='join'] {
    padding-block: 12px;
    font-weight: 600;
  }
  input {
    font: inherit;
    padding: 8px;
    border-radius: 6px;
    border: 1px solid rgb(255 255 255 / 0.3);
    background: rgb(255 255 255 / 0.08);
    color: inherit;
  }
  .status {
    margin: 0;
    text-align: center;
  }
`;
