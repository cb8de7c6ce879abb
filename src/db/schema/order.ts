import type { IndexShape } from './shape.js';

/** The primary key first, the others in the order they came (the server's name order). */
export function primaryFirst<T extends Pick<IndexShape, 'primary'>>(indexes: readonly T[]): T[] {
  return [...indexes.filter((i) => i.primary), ...indexes.filter((i) => !i.primary)];
}
