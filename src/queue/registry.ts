import type { TicketJobKind } from './job-kind.js';

/** Job kinds by name; workers route every job by `job.name` through it. */
export class JobRegistry {
  private readonly kinds = new Map<string, TicketJobKind>();

  /** Throws on a duplicate name: two kinds answering one job name is a packaging bug. */
  constructor(kinds: readonly TicketJobKind[]) {
    for (const kind of kinds) {
      if (this.kinds.has(kind.name))
        throw new Error(`two job kinds are named ${kind.name}; job names must be unique (jobs/index.ts)`);
      if (!/^[a-z][a-z0-9-]*$/.test(kind.name))
        throw new Error(`job kind name ${JSON.stringify(kind.name)} must be kebab-case (it is the file name in jobs/)`);
      this.kinds.set(kind.name, kind);
    }
  }

  get(name: string): TicketJobKind | undefined {
    return this.kinds.get(name);
  }

  get names(): string[] {
    return [...this.kinds.keys()].sort();
  }

  /** What a ticket whose job has no kind here is told. */
  missing(name: string): string {
    const known = this.names;
    return `this dbops worker has no job kind \`${name}\` (it knows ${known.length > 0 ? known.map((n) => `\`${n}\``).join(', ') : 'none'}); deploy a version that has it, then retry the ticket`;
  }
}
