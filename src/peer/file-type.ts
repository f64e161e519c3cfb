/**
 * The type a received file is given, whatever its sender declared. A file's link is a `blob:` URL
 * of this page's origin: opened in a tab, a `text/html`, `image/svg+xml` or `text/xml` blob runs
 * its script as this site and reads its storage. So only types a browser shows without running
 * anything (pictures, sound, video, plain text) are kept; every other file is
 * `application/octet-stream`, which a browser only ever downloads.
 */

/** Types a browser renders inertly when a `blob:` URL of them is opened. Never SVG, HTML, XML or PDF. */
const INERT_TYPES = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/avif',
  'audio/mpeg',
  'audio/ogg',
  'audio/wav',
  'audio/webm',
  'audio/mp4',
  'audio/aac',
  'audio/flac',
  'video/mp4',
  'video/webm',
  'video/ogg',
  'text/plain',
]);

/** What every other type becomes: a download, never a page. */
export const OPAQUE_FILE_TYPE = 'application/octet-stream';

/** `type` if it is on the short list of inert types (parameters such as a charset dropped), else `application/octet-stream`. */
export function inertFileType(type: string): string {
  const essence = type.split(';', 1)[0].trim().toLowerCase();
  return INERT_TYPES.has(essence) ? essence : OPAQUE_FILE_TYPE;
}
