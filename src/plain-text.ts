/**
 * Text from other visitors made safe to show: it is only ever rendered as text (never parsed as
 * HTML), and this removes what would make it read differently from what it is.
 */

/**
 * What is never shown as itself: controls (C0, C1), format characters (every bidirectional
 * embedding, override, isolate and mark, which can make "exe.txt" display as "txt.exe"; the
 * soft hyphen, invisible operators U+2061-2064, tags), line and paragraph separators, and every
 * default-ignorable code point (zero-width spaces and joiners, Hangul fillers, variation
 * selectors). Without this, "Ada" and "Ada" followed by U+2062 look the same.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/gu;
const EMOJI_BEFORE_JOINER = /[\p{Extended_Pictographic}\p{Emoji_Modifier}\uFE0F]/u;
const EMOJI = /\p{Extended_Pictographic}/u;
/** Scripts whose words need the zero-width joiner and non-joiner (Arabic, Persian, Indic...), not those that look like Latin. */
const JOINING_LETTER = /(?![\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}\p{Script=Common}\p{Script=Inherited}])[\p{L}\p{M}]/u;
const TAG = /[\u{E0020}-\u{E007F}]/u;
const BLACK_FLAG = '\u{1F3F4}';

function codePointBefore(text: string, offset: number): string {
  if (offset === 0) return '';
  const low = text.charCodeAt(offset - 1);
  const start = low >= 0xdc00 && low <= 0xdfff && offset >= 2 ? offset - 2 : offset - 1;
  return String.fromCodePoint(text.codePointAt(start)!);
}

function codePointAfter(text: string, offset: number, char: string): string {
  const next = text.codePointAt(offset + char.length);
  return next === undefined ? '' : String.fromCodePoint(next);
}

/**
 * Whether an invisible character does visible work where it stands: joiners inside an emoji
 * sequence or between letters of a script that needs them, a variation selector after an emoji
 * or before a keycap, tags after a black flag (the flags of England, Scotland, Wales).
 */
function doesWork(char: string, before: string, after: string, keepLineBreaks: boolean): boolean {
  switch (char) {
    case '\n':
    case '\t':
      return keepLineBreaks;
    case '\u200d':
      return (EMOJI_BEFORE_JOINER.test(before) && EMOJI.test(after)) || (JOINING_LETTER.test(before) && JOINING_LETTER.test(after));
    case '\u200c':
      return JOINING_LETTER.test(before) && JOINING_LETTER.test(after);
    case '\ufe0e':
    case '\ufe0f':
      return EMOJI.test(before) || after === '\u20e3';
    default:
      return TAG.test(char) && (before === BLACK_FLAG || TAG.test(before));
  }
}

/**
 * Removes control, direction and invisible characters, trims, and keeps at most `maxChars`
 * characters (whole code points: an emoji is never cut in half). With `keepLineBreaks`, newlines
 * and tabs stay (a carriage return, a line or paragraph separator becomes a newline).
 */
export function plainText(text: string, maxChars: number, { keepLineBreaks = false } = {}): string {
  const source = keepLineBreaks ? text.replace(/\r\n?|[\u2028\u2029]/g, '\n') : text;
  const cleaned = source.replace(INVISIBLE, (char: string, offset: number) =>
    doesWork(char, codePointBefore(source, offset), codePointAfter(source, offset, char), keepLineBreaks) ? char : '');
  const characters = Array.from(cleaned.trim());
  return characters.length > maxChars ? characters.slice(0, maxChars).join('').trim() : cleaned.trim();
}
