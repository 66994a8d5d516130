/**
 * Escaping for everything the widgets put into HTML: text and attribute values, and JSON embedded in
 * an inline `<script>`. A class name such as `<img src=x onerror=alert(1)>` must reach the reader as
 * text, never as markup.
 */

const htmlEntities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escapes a value for use as HTML text or as a quoted attribute value.
 * @param value Any value; it is converted with `String(value)` (null and undefined become '').
 * @returns The text with `& < > " '` replaced by entities.
 * @example escapeHtml('<b>') === '&lt;b&gt;'
 */
export function escapeHtml(value: unknown): string {
  const s = value === null || value === undefined ? '' : String(value);
  return s.replace(/[&<>"']/g, (c) => htmlEntities[c]);
}

/**
 * Serialises a value as JSON that is safe to paste inside an inline `<script>` element: `<`, `>` and
 * `&` become `\u003c`, `\u003e`, `\u0026` (so neither `</script>` nor `<!--` can end or alter the
 * script), and U+2028/U+2029 are escaped (they end a line in older JavaScript engines).
 * The result is still valid JSON and a valid JavaScript expression with the same value.
 * @param value A JSON-serialisable value.
 * @returns The escaped JSON text.
 * @throws {Error} When the value cannot be serialised (e.g. undefined at top level).
 */
export function jsonForScript(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw new Error(`jsonForScript: value of type ${typeof value} is not JSON-serialisable`);
  return json
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
