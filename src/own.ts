/**
 * Lookups keyed by what a user typed (a cluster name, a word of SQL, an engine or type name) must
 * not find what every JavaScript object inherits: `config.clusters['constructor']` is Object's
 * constructor, and `'toString' in table` is true. These see only a table's own entries.
 */

/** `table[key]` when `key` is one of the table's own entries; otherwise undefined. */
export function own<V>(table: Readonly<Partial<Record<string, V>>>, key: string): V | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** Whether `key` is one of the table's own entries. */
export function hasOwnEntry(table: object, key: string): boolean {
  return Object.hasOwn(table, key);
}

/** A lookup table without a prototype, so that even a plain `table[key]` finds only what was put in it. */
export function lookupTable<V>(entries: Iterable<readonly [string, V]>): Readonly<Record<string, V>> {
  const table: Record<string, V> = Object.create(null);
  for (const [key, value] of entries) table[key] = value;
  return table;
}
