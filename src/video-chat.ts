/**
 * Defines `<video-chat>`. The only side effect of importing it; guarded so that importing during
 * server-side rendering (no `customElements`) or twice is harmless.
 */
import { VideoChat } from './element/video-chat.element.js';

export { VideoChat };

if (typeof customElements !== 'undefined' && !customElements.get('video-chat')) {
  customElements.define('video-chat', VideoChat);
}

declare global {
  interface HTMLElementTagNameMap {
    'video-chat': VideoChat;
  }
}
