import type { Catalog, CatalogColumn, CatalogIndex, CatalogTable } from './catalog.js';

/** Names compare case-insensitively: how MySQL compares column and index names, and table names on most installs. */
function key(name: string): string {
  return name.toLowerCase();
}

/**
 * The schema catalog held in memory: what `loadCatalog` reads from information_schema, then
 * changed by each DDL statement of the batch (see apply-ddl.ts).
 */
export class MemoryCatalog implements Catalog {
  private readonly schemas = new Map<string, Map<string, CatalogTable>>();

  constructor(schemas: Iterable<string> = [], tables: Iterable<CatalogTable> = []) {
    for (const schema of schemas) this.addSchema(schema);
    for (const table of tables) this.putTable(table);
  }

  hasSchema(schema: string): boolean {
    return this.schemas.has(key(schema));
  }

  getTable(schema: string, table: string): CatalogTable | undefined {
    return this.schemas.get(key(schema))?.get(key(table));
  }

  /** Adds the table's schema when it is not known yet. */
  putTable(table: CatalogTable): void {
    this.addSchema(table.schema);
    this.schemas.get(key(table.schema))?.set(key(table.name), table);
  }

  dropTable(schema: string, table: string): void {
    this.schemas.get(key(schema))?.delete(key(table));
  }

  addSchema(schema: string): void {
    if (!this.schemas.has(key(schema))) this.schemas.set(key(schema), new Map());
  }

  dropSchema(schema: string): void {
    this.schemas.delete(key(schema));
  }

  /** Tables of one schema, in no particular order. */
  tables(schema: string): CatalogTable[] {
    return [...(this.schemas.get(key(schema))?.values() ?? [])];
  }

  /** A deep copy, so one loaded catalog can serve several reviews that each change theirs. */
  clone(): MemoryCatalog {
    const copy = new MemoryCatalog();
    for (const [schema, tables] of this.schemas) {
      copy.schemas.set(schema, new Map([...tables].map(([name, table]) => [name, cloneTable(table)])));
    }
    return copy;
  }
}

export function cloneTable(table: CatalogTable): CatalogTable {
  return {
    ...table,
    columns: table.columns.map((c) => ({ ...c })),
    indexes: table.indexes.map((i) => ({ ...i, columns: [...i.columns] })),
  };
}

/** The column of a table by name (case-insensitive). */
export function findColumn(table: CatalogTable, name: string): CatalogColumn | undefined {
  const wanted = key(name);
  return table.columns.find((c) => key(c.name) === wanted);
}

/** The index of a table by name (case-insensitive); `PRIMARY` finds the primary key. */
export function findIndex(table: CatalogTable, name: string): CatalogIndex | undefined {
  const wanted = key(name);
  return table.indexes.find((i) => key(i.name) === wanted);
}

export function primaryKey(table: CatalogTable): CatalogIndex | undefined {
  return table.indexes.find((i) => i.primary);
}

/** Indexes that use the column, in any position. */
export function indexesWithColumn(table: CatalogTable, column: string): CatalogIndex[] {
  const wanted = key(column);
  return table.indexes.filter((i) => i.columns.some((c) => key(c) === wanted));
}

export function sameName(a: string, b: string): boolean {
  return key(a) === key(b);
}
