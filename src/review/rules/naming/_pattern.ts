import { z } from 'zod';

const compiled = new Map<string, RegExp>();

/** A compiled regular expression, cached by its source. */
export function regex(pattern: string): RegExp {
  let re = compiled.get(pattern);
  if (!re) {
    re = new RegExp(pattern);
    compiled.set(pattern, re);
  }
  return re;
}

function isRegex(pattern: string): boolean {
  try {
    regex(pattern.replaceAll('{{table}}', 't').replaceAll('{{column_list}}', 'c'));
    return true;
  } catch {
    return false;
  }
}

/** A regular-expression parameter; the message names the parameter path when it does not compile. */
export function patternParam(fallback: string) {
  return z.string().min(1).refine(isRegex, 'must be a valid regular expression').default(fallback);
}
