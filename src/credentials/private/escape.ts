/**
 * Characters that change what a terminal, a log viewer or an e-mail client shows rather than
 * showing themselves:
 * - C0 controls (U+0000-U+001F: ESC starts ANSI sequences that recolour, move the cursor, set the
 *   window title or write hyperlinks; CR overwrites the line; BS erases), DEL (U+007F) and
 *   C1 controls (U+0080-U+009F: U+009B is a one-character CSI);
 * - bidirectional overrides, embeddings, isolates and marks (U+061C, U+200E-U+200F,
 *   U+202A-U+202E, U+2066-U+2069: "Trojan Source", text that reads differently than it is);
 * - the line and paragraph separators U+2028/U+2029, which break a line like LF.
 *
 * A backslash is left alone: messages carry commands to copy (`tr '\r' '\n'`), and text that
 * merely looks like an escape is harmless (IAM names cannot contain a backslash anyway).
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** The same set without C0 controls, which JSON.stringify escapes itself. */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: { [ch: string]: string } = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

const unicodeEscape = (ch: string) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * `text` with every character that could control a terminal or reorder what it shows written as
 * a visible escape: `\n`, `\t`, `\r` or `\u001b`-style. Printable text, including non-Latin
 * scripts and emoji, is unchanged. For text output only; JSON output is escaped by JSON itself.
 */
export function escapeControlCharacters(text: string): string {
  return text.replace(UNSAFE, ch => NAMED[ch] ?? unicodeEscape(ch));
}

/**
 * `JSON.stringify(value, undefined, indent)`, with DEL, C1 controls and bidi characters written
 * as `\uXXXX` too: JSON allows them raw, but raw they still act on a terminal the JSON is printed
 * to. Still JSON, and it parses to the same value.
 */
export function terminalSafeJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, undefined, indent).replace(UNSAFE_IN_JSON, unicodeEscape);
}

/**
 * At most `max` characters of `text`, with the length of what was cut, so that one huge value (a
 * CSV field can be megabytes long) cannot flood a message or a log event.
 */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}... (${text.length - max} more characters)`;
}
