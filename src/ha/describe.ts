import type { NodeFacts } from './node-facts.js';

/** Every instance's role as read: "127.0.0.1:3307 writable, replicates from nobody; 127.0.0.1:3308 read-only, replica of …". */
export function describeNodes(facts: ReadonlyMap<string, NodeFacts>): string {
  return [...facts.values()].map(describeNode).join('; ');
}

export function describeNode(f: NodeFacts): string {
  if (!f.reachable) return `${f.name} unreachable (${f.problem ?? 'no answer'})`;
  const mode = f.readOnly ? 'read-only' : 'writable';
  if (!f.replication) return `${f.name} ${mode}, replicates from nobody`;
  const r = f.replication;
  return `${f.name} ${mode}, replica of ${r.source} (IO ${r.ioRunning ? 'Yes' : 'No'}, SQL ${r.sqlRunning ? 'Yes' : 'No'}${r.lagSeconds === null ? '' : `, lag ${r.lagSeconds} s`})`;
}
