import { roleDifferences } from '../../inventory/topology.js';
import type { Check } from '../types.js';

/** The role an instance really has differs from the config: a writable "replica", a "primary" that replicates or is read-only. */
export const role: Check = {
  id: 'role',
  title: 'Role differs from the config',
  kind: 'state',
  runsOn: 'every-poll',
  evaluate(sample, ctx) {
    const differences = roleDifferences(sample, ctx.configuredAs);
    if (differences.length === 0) return [];
    const severity = differences.some((d) => d.severity === 'critical') ? 'critical' : 'warning';
    const real = sample.replication
      ? `replica of ${sample.replication.source}`
      : sample.readOnly
        ? 'read-only, not replicating'
        : 'writable, not replicating';
    return [
      {
        checkId: 'role',
        subject: '',
        severity,
        summary: differences.map((d) => d.text).join('; '),
        value: real,
        threshold: `configured as ${ctx.configuredAs}`,
        details: { differences },
      },
    ];
  },
};
