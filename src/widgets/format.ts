/**
 * Plain-text formatting of cell values for tables, captions and tooltips. The result is text, not
 * HTML: callers escape it (see escape.ts). Locale-independent so outputs and snapshots are stable.
 */

/** Options for {@link formatValue}. */
export interface FormatOptions {
  /** Significant digits kept for non-integer numbers (default 4). */
  digits?: number;
  /** Separator between array items (default ' · '). */
  arraySeparator?: string;
  /** Largest number of array items shown before '…' (default 50). */
  maxArrayItems?: number;
}

const defaults: Required<FormatOptions> = {
  digits: 4,
  arraySeparator: ' · ',
  maxArrayItems: 50,
};

/** Inserts a thin grouping comma every three digits of an integer string ('1234567' → '1,234,567'). */
function groupDigits(intPart: string): string {
  return intPart.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * Formats a number: integers in full with digit grouping, other numbers to `digits` significant
 * digits without trailing zeros, very small or very large magnitudes in exponent notation.
 * @param x The number.
 * @param digits Significant digits for non-integers (at least 1).
 * @returns Text such as '1,234', '0.4567', '71.59', '1.5e-7', 'NaN', '∞'.
 */
export function formatNumber(x: number, digits = defaults.digits): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '∞';
  if (x === -Infinity) return '−∞';
  if (Number.isInteger(x) && Math.abs(x) < 1e15) {
    const s = String(Math.abs(x));
    return (x < 0 ? '−' : '') + groupDigits(s);
  }
  const a = Math.abs(x);
  const sign = x < 0 ? '−' : '';
  if (a !== 0 && (a < 1e-4 || a >= 1e15)) {
    const [m, e] = a.toExponential(Math.max(0, digits - 1)).split('e');
    return sign + m.replace(/\.?0+$/, '') + 'e' + e.replace('+', '');
  }
  const fixed = String(Number(a.toPrecision(Math.max(1, digits))));
  const [intPart, frac] = fixed.split('.');
  return sign + groupDigits(intPart) + (frac ? '.' + frac : '');
}

/** True for plain arrays and typed arrays (not DataView). */
function isArrayLike(v: unknown): v is ArrayLike<unknown> {
  return Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
}

/**
 * Formats any cell value as plain text: numbers via {@link formatNumber}, arrays (and typed arrays,
 * sets) as items joined by ' · ' (e.g. '12 · 40 · 7'), dates as ISO strings, null/undefined as '',
 * other objects as JSON.
 * @param value The value.
 * @param options Formatting options.
 * @returns Plain text (escape it before putting it into HTML).
 */
export function formatValue(value: unknown, options: FormatOptions = {}): string {
  const o = { ...defaults, ...options };
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return formatNumber(value, o.digits);
  if (typeof value === 'bigint') return (value < 0n ? '−' : '') + groupDigits(String(value < 0n ? -value : value));
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (value instanceof Set) return formatValue([...value], options);
  if (isArrayLike(value)) {
    const n = value.length;
    const shown = Math.min(n, o.maxArrayItems);
    const parts: string[] = [];
    for (let i = 0; i < shown; i++) parts.push(formatValue(value[i], o));
    if (n > shown) parts.push(`… ${n - shown} more`);
    return parts.join(o.arraySeparator);
  }
  try {
    return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? String(v) : v)) ?? String(value);
  } catch {
    return String(value);
  }
}
