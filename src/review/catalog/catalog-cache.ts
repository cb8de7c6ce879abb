import type { ExplainRow } from '../explain/probe.js';
import type { PlanMemo } from '../explain/memo-probe.js';
import type { CatalogTable } from './catalog.js';
import { loadCatalog, type Queryable } from './load-catalog.js';
import { cloneTable, MemoryCatalog } from './memory-catalog.js';

/**
 * A counter per cluster that moves whenever dbops changed something on it (a ticket ran there):
 * shared by every process (src/wiring/catalog-versions.ts keeps it in Redis), so a bot's cache
 * forgets what a worker's DDL made stale.
 */
export interface CatalogVersions {
  current(cluster: string): Promise<string>;
  bump(cluster: string): Promise<void>;
}

export interface CatalogCacheOptions {
  /** How long a schema's catalog is reused; 0 reads information_schema on every review. */
  ttlMs: number;
  versions?: CatalogVersions;
  /** Schemas kept at most (the least recently used go first). */
  maxSchemas?: number;
  now?: () => number;
}

interface Entry {
  exists: boolean;
  tables: readonly CatalogTable[];
  loadedAt: number;
  version: string;
  /** EXPLAIN answers of statements run in this schema (by their text), as old as the catalog. */
  plans: Map<string, readonly ExplainRow[]>;
}

const DEFAULT_MAX_SCHEMAS = 256;
/** EXPLAIN answers kept per schema at most (the oldest go first). */
const MAX_PLANS = 4_096;

/**
 * The review's catalogs per cluster and schema, reused for a short while: a targeted review on a
 * schema of thousands of tables reads information_schema once, not on every review. An entry ends
 * after `ttlMs` (DDL run outside dbops), when the cluster's version moved (DDL run by dbops), or on
 * `invalidate`. Each review gets its own copy, which its batch's DDL may change.
 */
export class CatalogCache {
  private readonly entries = new Map<string, Entry>();
  readonly stats = { hits: 0, misses: 0 };
  /** EXPLAIN answers found in the cache and not. */
  readonly planStats = { hits: 0, misses: 0 };

  constructor(private readonly options: CatalogCacheOptions) {}

  async load(cluster: string, db: Queryable, schemas: Iterable<string>): Promise<MemoryCatalog> {
    return (await this.open(cluster, db, schemas)).catalog;
  }

  /**
   * The catalog of `schemas` and, alongside, the EXPLAIN answers of statements run in them that
   * this cache still holds: they end with the catalog (TTL, a change by dbops on the cluster), since
   * a plan is only as current as the tables it was made for.
   */
  async open(
    cluster: string,
    db: Queryable,
    schemas: Iterable<string>,
  ): Promise<{ catalog: MemoryCatalog; plans: PlanMemo }> {
    const wanted = [...new Set(schemas)];
    if (this.options.ttlMs <= 0) return { catalog: await loadCatalog(db, wanted), plans: NO_PLANS };
    const version = await this.versionOf(cluster);
    const now = this.now();
    const found = new Map<string, Entry>();
    const missing: string[] = [];
    for (const schema of wanted) {
      const entry = this.entries.get(entryKey(cluster, schema));
      if (entry && entry.version === version && now - entry.loadedAt < this.options.ttlMs) {
        found.set(schema, entry);
        this.touch(cluster, schema, entry);
      } else missing.push(schema);
    }
    this.stats.hits += found.size;
    this.stats.misses += missing.length;
    if (missing.length > 0) {
      const loaded = await loadCatalog(db, missing);
      for (const schema of missing) {
        const entry = {
          exists: loaded.hasSchema(schema),
          tables: loaded.tables(schema),
          loadedAt: now,
          version,
          plans: new Map<string, readonly ExplainRow[]>(),
        };
        found.set(schema, entry);
        this.touch(cluster, schema, entry);
      }
    }
    const catalog = new MemoryCatalog();
    for (const [schema, entry] of found) {
      if (!entry.exists) continue;
      catalog.addSchema(schema);
      for (const table of entry.tables) catalog.putTable(cloneTable(table));
    }
    return { catalog, plans: this.plansOf(found) };
  }

  /** The plans of the entries one review loaded (schema names compare case-insensitively). */
  private plansOf(found: ReadonlyMap<string, Entry>): PlanMemo {
    const bySchema = new Map([...found].map(([schema, entry]) => [schema.toLowerCase(), entry.plans]));
    const stats = this.planStats;
    return {
      get(schema, sql) {
        const plan = bySchema.get(schema.toLowerCase())?.get(sql);
        if (plan) stats.hits++;
        else stats.misses++;
        return plan;
      },
      set(schema, sql, plan) {
        const plans = bySchema.get(schema.toLowerCase());
        if (!plans) return;
        plans.set(sql, plan);
        if (plans.size > MAX_PLANS) {
          const oldest = plans.keys().next().value;
          if (oldest !== undefined) plans.delete(oldest);
        }
      },
    };
  }

  /** Forget a schema's catalog, or every schema of the cluster. */
  invalidate(cluster: string, schema?: string): void {
    if (schema !== undefined) {
      this.entries.delete(entryKey(cluster, schema));
      return;
    }
    const prefix = entryKey(cluster, '');
    for (const key of [...this.entries.keys()]) if (key.startsWith(prefix)) this.entries.delete(key);
  }

  private touch(cluster: string, schema: string, entry: Entry): void {
    const key = entryKey(cluster, schema);
    this.entries.delete(key);
    this.entries.set(key, entry);
    const max = this.options.maxSchemas ?? DEFAULT_MAX_SCHEMAS;
    while (this.entries.size > max) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  /** The cluster's version; when it cannot be read, one nothing cached matches (a miss, never a stale hit). */
  private async versionOf(cluster: string): Promise<string> {
    if (!this.options.versions) return '';
    try {
      return await this.options.versions.current(cluster);
    } catch {
      return `unknown-${this.now()}-${Math.random()}`;
    }
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }
}

/** With the cache off: nothing is kept. */
const NO_PLANS: PlanMemo = { get: () => undefined, set: () => undefined };

/** Schema names compare case-insensitively, as the catalog does. */
function entryKey(cluster: string, schema: string): string {
  return `${cluster}\u0000${schema.toLowerCase()}`;
}
