import { z } from 'zod';
import { parseSetId } from './manifest.js';

const NAME = /^[A-Za-z0-9_$-]{1,64}$/;
export const RESTORE_USAGE = 'restore B-12 [schema[,schema]] to cluster[.schema]';

/** `B-12 [schema[,schema]] to cluster[.schema]` (`→` and `->` work too). */
export const RestoreArgs = z.string().transform((text, ctx) => {
  const words = text
    .replace(/\s*(→|->)\s*/g, ' to ')
    .trim()
    .split(/\s+/)
    .filter(Boolean);
  const fail = (message: string) => {
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  };
  if (words.length === 0) return null;
  const set = parseSetId(words[0]);
  if (set === null)
    return fail(`\`${words[0].slice(0, 40)}\` is not a backup set; sets look like B-12 (see /dbops backups)`);
  const to = words.indexOf('to');
  if (to < 0 || to !== words.length - 2) return fail(`say where it goes: /dbops ${RESTORE_USAGE}`);
  const schemaWords = words.slice(1, to);
  if (schemaWords.length > 1) return fail('list schemas with commas, no spaces: shop,billing');
  const schemas = schemaWords.length === 1 ? schemaWords[0].split(',').filter(Boolean) : [];
  const bad = schemas.find((s) => !NAME.test(s));
  if (bad !== undefined) return fail(`\`${bad.slice(0, 64)}\` is not a schema name`);
  const [cluster, schema, extra] = words[to + 1].split('.');
  if (extra !== undefined || !/^[a-z][a-z0-9_-]*$/.test(cluster ?? ''))
    return fail(`\`${words[to + 1].slice(0, 80)}\` is not cluster or cluster.schema`);
  if (schema !== undefined && !NAME.test(schema)) return fail(`\`${schema.slice(0, 64)}\` is not a schema name`);
  return { set, schemas, cluster, schema: schema ?? null };
});
