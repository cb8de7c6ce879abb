/**
 * A schema as information_schema describes it: the one shape review, execute, migrate and inventory
 * read their tables in (each maps it into what it needs). Values are as the server writes them.
 * What was not asked for (see ReadSchemaOptions) is empty: no columns, null engine and numbers.
 */
export interface SchemaSnapshot {
  schema: string;
  /** By name as the server writes it, in the server's name order (TABLE_NAME). */
  tables: Map<string, TableShape>;
  /** Every trigger read, in the server's name order (each is also in its table's list). */
  triggers: TriggerShape[];
}

export interface TableShape {
  schema: string;
  name: string;
  /** TABLE_TYPE: `BASE TABLE`, `VIEW`, `SYSTEM VIEW`, `SEQUENCE`, `SYSTEM VERSIONED`, `TEMPORARY`. */
  type: string;
  /** The table's details, from here to autoIncrement: null or empty unless they were read. */
  engine: string | null;
  /** Default collation of the table (its charset is the collation's). */
  collation: string | null;
  /** CREATE_OPTIONS as written: `partitioned`, `row_format=…`, … (empty when none). */
  createOptions: string;
  partitioned: boolean;
  comment: string;
  /** The row estimate (approximate for InnoDB); sizes in bytes. Null for views. */
  rows: number | null;
  dataBytes: number | null;
  indexBytes: number | null;
  freeBytes: number | null;
  avgRowLength: number | null;
  /** The next AUTO_INCREMENT value; null without one. */
  autoIncrement: number | null;
  /** In ORDINAL_POSITION order. */
  columns: ColumnShape[];
  /** In the server's index-name order (so PRIMARY is not necessarily first); parts in key order. */
  indexes: IndexShape[];
  /** Foreign keys of this table. */
  foreignKeys: ForeignKeyShape[];
  /** Foreign keys of other tables (any schema) that point at this one. */
  referencedBy: IncomingForeignKey[];
  triggers: TriggerShape[];
}

export interface ColumnShape {
  name: string;
  position: number;
  /** DATA_TYPE in lower case, without size: `int`, `varchar`, `decimal`. */
  dataType: string;
  /** COLUMN_TYPE as the server writes it: `int(10) unsigned`, `varchar(64)`, `enum('a','b')`. */
  columnType: string;
  nullable: boolean;
  /**
   * COLUMN_DEFAULT exactly as written: MariaDB (10.2.7+) writes SQL (`'text'`, `NULL`, expressions),
   * MySQL the bare value. Read it with `columnDefault` (column-default.ts), which knows both.
   */
  default: string | null;
  /** EXTRA as written (empty when none). */
  extra: string;
  autoIncrement: boolean;
  /** `ON UPDATE CURRENT_TIMESTAMP`: an UPDATE changes it without naming it. */
  onUpdate: boolean;
  /** Computed from an expression (MariaDB's PERSISTENT is stored); null for an ordinary column. */
  generated: 'virtual' | 'stored' | null;
  /** A system-versioned table's ROW START / ROW END column; null otherwise. */
  rowPeriod: 'start' | 'end' | null;
  charset: string | null;
  collation: string | null;
  comment: string;
  /** COLUMN_KEY: `PRI`, `UNI`, `MUL` or empty. */
  key: string;
}

export interface IndexShape {
  name: string;
  primary: boolean;
  unique: boolean;
  /** INDEX_TYPE: BTREE, FULLTEXT, SPATIAL, HASH. */
  type: string | null;
  parts: IndexPart[];
}

export interface IndexPart {
  /** Null for a functional key part (MySQL 8). */
  column: string | null;
  /** Prefix length in characters (bytes for binary columns); null for the whole column. */
  subPart: number | null;
  descending: boolean;
  /** Distinct values of the key up to this part (the server's estimate); null when unknown. */
  cardinality: number | null;
}

export interface ForeignKeyShape {
  name: string;
  columns: string[];
  referencedSchema: string;
  referencedTable: string;
  referencedColumns: string[];
  /** UPDATE_RULE / DELETE_RULE: `RESTRICT`, `CASCADE`, `SET NULL`, `NO ACTION`, `SET DEFAULT`. */
  onUpdate: string;
  onDelete: string;
}

/** A foreign key of another table that points at one of ours. */
export interface IncomingForeignKey {
  name: string;
  /** The table that holds the key. */
  schema: string;
  table: string;
  /** Ours, that it points at. */
  referencedTable: string;
}

export interface TriggerShape {
  name: string;
  table: string;
  /** INSERT, UPDATE or DELETE. */
  event: string;
  /** BEFORE or AFTER. */
  timing: string;
  /** Order among the table's triggers of the same event and timing. */
  order: number;
}
