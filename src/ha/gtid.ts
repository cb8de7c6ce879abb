/** MariaDB GTID positions (`domain-server-seq,…`): parsed, compared, shown. */

export interface GtidEntry {
  server: number;
  seq: number;
}

/** `0-1-100,1-2-5` → domain → { server, seq }; blanks and junk are skipped. */
export function parseGtidPos(pos: string): Map<number, GtidEntry> {
  const out = new Map<number, GtidEntry>();
  for (const part of pos.split(',')) {
    const m = /^\s*(\d+)-(\d+)-(\d+)\s*$/.exec(part);
    if (m) out.set(Number(m[1]), { server: Number(m[2]), seq: Number(m[3]) });
  }
  return out;
}

/** Whether `pos` has everything `target` has (every domain at least as far). */
export function gtidCovers(pos: string, target: string): boolean {
  const have = parseGtidPos(pos);
  for (const [domain, want] of parseGtidPos(target)) {
    const got = have.get(domain);
    if (!got || got.seq < want.seq) return false;
  }
  return true;
}

/**
 * Transactions `pos` has that the primary's `primaryPos` does not (errant ones, written on a replica):
 * a domain the primary never wrote, or a latest transaction from another server at or beyond the
 * primary's. A sequence ahead from the primary's own server is only the primary read a moment
 * earlier (under writes) and is not errant. Described for a DBA ("domain 0 at 0-2-101, the primary
 * at 0-1-100"); empty when none.
 */
export function gtidBeyond(pos: string, primaryPos: string): string[] {
  const primary = parseGtidPos(primaryPos);
  const out: string[] = [];
  for (const [domain, got] of parseGtidPos(pos)) {
    const p = primary.get(domain);
    const at = `${domain}-${got.server}-${got.seq}`;
    if (!p) out.push(`domain ${domain} at ${at}, which the primary has never written`);
    else if (got.server !== p.server && got.seq >= p.seq)
      out.push(`domain ${domain} at ${at}, the primary at ${domain}-${p.server}-${p.seq}`);
  }
  return out;
}

/** How many transactions `pos` is behind `target`, summed over domains (0 when caught up). */
export function gtidBehind(pos: string, target: string): number {
  const have = parseGtidPos(pos);
  let behind = 0;
  for (const [domain, want] of parseGtidPos(target)) behind += Math.max(0, want.seq - (have.get(domain)?.seq ?? 0));
  return behind;
}
