/**
 * Schema catalog: the target's tables, columns and indexes as review rules see them.
 * Read from information_schema, then updated by each DDL statement of the batch in order.
 */
export interface CatalogColumn {
  name: string;
  /** Lower-case data type without size, e.g. `varchar`, `int`, `decimal`. */
  dataType: string;
  /** Full column type as SHOW CREATE TABLE writes it, e.g. `varchar(64)`, `int(10) unsigned`. */
  columnType: string;
  nullable: boolean;
  defaultValue: string | null;
  hasDefault: boolean;
  autoIncrement: boolean;
  /** ON UPDATE CURRENT_TIMESTAMP (information_schema EXTRA `on update …`). */
  onUpdate?: boolean;
  charset?: string | null;
  collation?: string | null;
  comment?: string;
}

export interface CatalogIndex {
  name: string;
  columns: string[];
  unique: boolean;
  primary: boolean;
  /** BTREE (the default when absent), FULLTEXT, SPATIAL, HASH. */
  type?: string;
}

export interface CatalogTable {
  schema: string;
  name: string;
  engine?: string | null;
  columns: CatalogColumn[];
  indexes: CatalogIndex[];
  /** Estimated rows and bytes from information_schema.TABLES (approximate for InnoDB). */
  rows?: number;
  dataBytes?: number;
  indexBytes?: number;
  comment?: string;
  /** A view rather than a base table (its columns are known, its indexes and sizes are not). */
  view?: boolean;
  /**
   * The definition is not known exactly: the table was created or changed by a statement of the
   * batch that neither the parser nor the shadow check could read. Rules must not report a column
   * or index as missing from a partial table.
   */
  partial?: boolean;
}

export interface Catalog {
  /** Schemas known to exist on the target. */
  hasSchema(schema: string): boolean;
  getTable(schema: string, table: string): CatalogTable | undefined;
  /** Replace or add a table definition (after CREATE/ALTER in the batch). */
  putTable(table: CatalogTable): void;
  dropTable(schema: string, table: string): void;
  addSchema(schema: string): void;
  dropSchema(schema: string): void;
}
