import { integerRange, isIntegerType, type ColumnDef, type ColumnDefault } from '../../ast-ddl.js';

/**
 * Why a column's DEFAULT is invalid for its type or a zero date, as the server (in strict mode)
 * or common sense sees it; null when it is fine or cannot be judged (expressions).
 */
export function defaultProblem(col: ColumnDef): string | null {
  const d = col.default;
  if (!d) return null;
  if (d.kind === 'null') return col.nullable ? null : 'DEFAULT NULL on a NOT NULL column';
  if (col.autoIncrement) return 'an AUTO_INCREMENT column cannot have a DEFAULT';
  if (d.kind === 'expression') return null;
  const type = col.dataType;
  if (d.kind === 'current-timestamp') {
    return ['datetime', 'timestamp', 'date', 'time'].includes(type)
      ? null
      : `CURRENT_TIMESTAMP is not a ${type.toUpperCase()} value`;
  }
  if (type === 'date' || type === 'datetime' || type === 'timestamp') return dateProblem(type, d);
  if (type === 'time') return d.kind === 'string' && !isTime(d.value) ? `'${d.value}' is not a TIME` : null;
  if (type === 'year') return yearProblem(d);
  if (isIntegerType(type) || type === 'decimal' || type === 'float' || type === 'double' || type === 'bit')
    return numberProblem(col, d);
  if (type === 'char' || type === 'varchar' || type === 'binary' || type === 'varbinary') return lengthProblem(col, d);
  if (type === 'enum' || type === 'set') return memberProblem(col, d);
  return null;
}

const NUMERIC = /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i;

/** The default as a number's text, or null when it is not numeric. */
function numericText(d: ColumnDefault): string | null {
  switch (d.kind) {
    case 'number':
      return d.value;
    case 'bool':
      return d.value === 'TRUE' ? '1' : '0';
    case 'hex':
      return /^[0-9a-f]+$/i.test(d.value) ? BigInt(`0x${d.value}`).toString() : null;
    case 'bit':
      return /^[01]+$/.test(d.value) ? BigInt(`0b${d.value}`).toString() : null;
    case 'string':
      return NUMERIC.test(d.value) ? d.value.trim() : null;
    default:
      return null;
  }
}

/** The integer a numeric text rounds to. */
function toBigInt(text: string): bigint {
  return /^[+-]?\d+$/.test(text) ? BigInt(text) : BigInt(Math.round(Number(text)));
}

function numberProblem(col: ColumnDef, d: ColumnDefault): string | null {
  const text = numericText(d);
  const shown = d.kind === 'string' ? `'${d.value}'` : d.value;
  if (text === null) return `${shown} is not a number`;
  if (col.dataType === 'bit') {
    const bits = BigInt(col.length ?? 1);
    const value = toBigInt(text);
    return value < 0n || value >= 1n << bits ? `${shown} does not fit in BIT(${bits})` : null;
  }
  if (isIntegerType(col.dataType)) {
    const range = integerRange(col.dataType, col.unsigned);
    const value = Number.isFinite(Number(text)) ? toBigInt(text) : null;
    if (!range || value === null) return null;
    return value < range[0] || value > range[1]
      ? `${shown} is outside the range of ${col.dataType.toUpperCase()}${col.unsigned ? ' UNSIGNED' : ''} (${range[0]}..${range[1]})`
      : null;
  }
  if (col.dataType === 'decimal') {
    if (col.unsigned && Number(text) < 0) return `${shown} is negative for an UNSIGNED column`;
    const precision = col.length ?? 10;
    const scale = col.scale ?? 0;
    const integerDigits = integerDigitCount(text);
    return integerDigits > precision - scale ? `${shown} does not fit in DECIMAL(${precision},${scale})` : null;
  }
  return col.unsigned && Number(text) < 0 ? `${shown} is negative for an UNSIGNED column` : null;
}

/** Digits before the decimal point (`-0012.5` → 2), exponents applied. */
function integerDigitCount(text: string): number {
  const plain = /e/i.test(text)
    ? Math.abs(Number(text)).toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 0 })
    : text.replace(/^[+-]/, '').split('.')[0];
  return plain.replace(/^0+/, '').length;
}

function lengthProblem(col: ColumnDef, d: ColumnDefault): string | null {
  if (d.kind !== 'string' && d.kind !== 'number' && d.kind !== 'bool') return null;
  const value = d.kind === 'bool' ? (d.value === 'TRUE' ? '1' : '0') : d.value;
  const limit = col.length ?? (col.dataType === 'char' || col.dataType === 'binary' ? 1 : null);
  if (limit === null) return null;
  const size = col.dataType.endsWith('binary') ? Buffer.byteLength(value) : [...value].length;
  return size > limit ? `'${value}' is longer than ${col.dataType.toUpperCase()}(${limit})` : null;
}

function memberProblem(col: ColumnDef, d: ColumnDefault): string | null {
  const members = (col.values ?? []).map((v) => v.toLowerCase());
  if (d.kind === 'number') {
    const n = Number(d.value);
    const max = col.dataType === 'enum' ? members.length : 2 ** members.length - 1;
    return Number.isInteger(n) && n >= 0 && n <= max
      ? null
      : `${d.value} is not a valid ${col.dataType.toUpperCase()} index`;
  }
  if (d.kind !== 'string') return null;
  const wanted = col.dataType === 'set' ? (d.value === '' ? [] : d.value.split(',')) : [d.value];
  const missing = wanted.filter((v) => !members.includes(v.toLowerCase()));
  // An ENUM default of '' is not a member either (it is the error value).
  return missing.length > 0 ? `'${missing.join(',')}' is not one of the ${col.dataType.toUpperCase()} values` : null;
}

function yearProblem(d: ColumnDefault): string | null {
  const text = numericText(d);
  if (text === null) return `'${d.value}' is not a YEAR`;
  const n = Number(text);
  const ok = n === 0 || (n >= 1 && n <= 99) || (n >= 1901 && n <= 2155);
  return ok ? null : `${d.value} is outside the YEAR range (1901..2155)`;
}

const DELIMITED =
  /^(\d{2,4})[^\d](\d{1,2})[^\d](\d{1,2})(?:[ T](\d{1,2})[^\d](\d{1,2})(?:[^\d](\d{1,2})(?:\.\d+)?)?)?$/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?$/;

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function dateProblem(type: string, d: ColumnDefault): string | null {
  const raw = d.kind === 'string' ? d.value.trim() : d.kind === 'number' ? d.value : null;
  if (raw === null) return null;
  const shown = d.kind === 'string' ? `'${d.value}'` : d.value;
  if (/^0+(\.0+)?$/.test(raw)) return `${shown} is a zero date`;
  const m = DELIMITED.exec(raw) ?? COMPACT.exec(raw);
  if (!m) return `${shown} is not a ${type.toUpperCase()}`;
  let year = Number(m[1]);
  if (m[1].length <= 2) year += year < 70 ? 2000 : 1900;
  const month = Number(m[2]);
  const day = Number(m[3]);
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (Number(m[1]) === 0 && month === 0 && day === 0) return `${shown} is a zero date`;
  if (month === 0 || day === 0) return `${shown} has a zero month or day`;
  if (month > 12 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59)
    return `${shown} is not a valid ${type.toUpperCase()}`;
  if (type === 'timestamp') {
    const t = Date.UTC(year, month - 1, day, hour, minute, second);
    if (t < Date.UTC(1970, 0, 1, 0, 0, 1) || t > Date.UTC(2038, 0, 19, 3, 14, 7))
      return `${shown} is outside the TIMESTAMP range (1970–2038)`;
  }
  return null;
}

function isTime(value: string): boolean {
  const v = value.trim().replace(/^-/, '');
  const delimited = /^(?:(\d+) )?(\d{1,3}):(\d{1,2})(?::(\d{1,2}))?(?:\.\d+)?$/.exec(v);
  const compact = /^(\d+)(?:\.\d+)?$/.exec(v);
  let hours: number;
  let minutes: number;
  let seconds: number;
  if (delimited) {
    hours = Number(delimited[2]) + 24 * Number(delimited[1] ?? 0);
    minutes = Number(delimited[3]);
    seconds = Number(delimited[4] ?? 0);
  } else if (compact) {
    const digits = compact[1].padStart(6, '0');
    hours = Number(digits.slice(0, -4));
    minutes = Number(digits.slice(-4, -2));
    seconds = Number(digits.slice(-2));
  } else {
    return false;
  }
  return hours <= 838 && minutes < 60 && seconds < 60;
}
