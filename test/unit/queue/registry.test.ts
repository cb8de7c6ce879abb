import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { ticketKinds } from '../../../jobs/index.js';
import { defineTicketJob, type TicketJobKind } from '../../../src/queue/job-kind.js';
import { JobRegistry } from '../../../src/queue/registry.js';

const kind = (name: string): TicketJobKind =>
  defineTicketJob({ name, payload: z.object({}), process: async () => ({ summary: 'ok' }) });

/** Does this export look like a ticket job kind (a name, a zod payload and a processor)? */
function isTicketKind(value: unknown): value is TicketJobKind {
  return (
    typeof value === 'object' &&
    value !== null &&
    'name' in value &&
    'payload' in value &&
    'process' in value &&
    value.payload instanceof z.ZodType &&
    typeof value.process === 'function'
  );
}

describe('job registry', () => {
  it('routes by name and says which kinds it knows when one is missing', () => {
    const registry = new JobRegistry([kind('execute-sql'), kind('migrate')]);
    assert.equal(registry.get('migrate')?.name, 'migrate');
    assert.equal(registry.get('backup'), undefined);
    assert.match(registry.missing('backup'), /no job kind `backup` \(it knows `execute-sql`, `migrate`\)/);
  });

  it('refuses two kinds with one name, and names that are not kebab-case', () => {
    assert.throws(() => new JobRegistry([kind('migrate'), kind('migrate')]), /two job kinds are named migrate/);
    assert.throws(() => new JobRegistry([kind('Migrate')]), /must be kebab-case/);
  });

  it('jobs/index.ts lists exactly the ticket job kinds in jobs/, each named after its file', async () => {
    const files = readdirSync(new URL('../../../jobs/', import.meta.url)).filter(
      (f) => f.endsWith('.ts') && f !== 'index.ts',
    );
    const onDisk: string[] = [];
    for (const file of files) {
      const module: Record<string, unknown> = await import(new URL(`../../../jobs/${file}`, import.meta.url).href);
      for (const value of Object.values(module)) {
        if (!isTicketKind(value)) continue;
        assert.equal(`${value.name}.ts`, file, `the kind ${value.name} lives in jobs/${value.name}.ts`);
        onDisk.push(value.name);
      }
    }
    assert.deepEqual(ticketKinds.map((k) => k.name).sort(), [...new Set(onDisk)].sort());
    assert.doesNotThrow(() => new JobRegistry(ticketKinds));
  });
});
