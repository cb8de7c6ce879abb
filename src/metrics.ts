import type { FetchFunction } from '@slack/web-api';

/**
 * Prometheus metrics in the text exposition format (version 0.0.4), served at `/metrics`. Small on
 * purpose: counters, gauges and histograms with labels, plus collectors that read values (queue
 * depths) at scrape time. Every process (bot or worker) serves its own.
 */
type Labels = Readonly<Record<string, string>>;

abstract class Metric {
  protected readonly series = new Map<string, { labels: Labels; value: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'gauge' | 'histogram',
  ) {}

  protected entry(labels: Labels): { labels: Labels; value: number } {
    const key = labelText(labels);
    let entry = this.series.get(key);
    if (!entry) {
      entry = { labels, value: 0 };
      this.series.set(key, entry);
    }
    return entry;
  }

  render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`];
    for (const { labels, value } of this.series.values())
      lines.push(`${this.name}${labelText(labels)} ${formatValue(value)}`);
    return lines;
  }
}

export class Counter extends Metric {
  constructor(name: string, help: string) {
    super(name, help, 'counter');
  }
  inc(labels: Labels = {}, by = 1): void {
    this.entry(labels).value += by;
  }
  get(labels: Labels = {}): number {
    return this.series.get(labelText(labels))?.value ?? 0;
  }
}

export class Gauge extends Metric {
  constructor(name: string, help: string) {
    super(name, help, 'gauge');
  }
  set(labels: Labels, value: number): void {
    this.entry(labels).value = value;
  }
}

export class Histogram extends Metric {
  private readonly observations = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  constructor(
    name: string,
    help: string,
    readonly buckets: readonly number[],
  ) {
    super(name, help, 'histogram');
  }
  observe(labels: Labels, value: number): void {
    const key = labelText(labels);
    let o = this.observations.get(key);
    if (!o) {
      o = { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.observations.set(key, o);
    }
    this.buckets.forEach((le, i) => {
      if (value <= le) o.counts[i] += 1;
    });
    o.sum += value;
    o.count += 1;
  }
  override render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const o of this.observations.values()) {
      for (const [i, le] of this.buckets.entries())
        lines.push(`${this.name}_bucket${labelText({ ...o.labels, le: String(le) })} ${o.counts[i]}`);
      lines.push(`${this.name}_bucket${labelText({ ...o.labels, le: '+Inf' })} ${o.count}`);
      lines.push(`${this.name}_sum${labelText(o.labels)} ${formatValue(o.sum)}`);
      lines.push(`${this.name}_count${labelText(o.labels)} ${o.count}`);
    }
    return lines;
  }
}

/** Every metric dbops exports. One instance per process, built in the runtime. */
export class Metrics {
  readonly jobs = new Counter(
    'dbops_jobs_total',
    'Ticket runs that ended, by job kind and outcome (succeeded, failed, cancelled).',
  );
  readonly jobDuration = new Histogram(
    'dbops_job_duration_seconds',
    'Time from a ticket run starting to its end, by job kind and outcome.',
    [1, 5, 15, 60, 300, 900, 3600, 3 * 3600, 12 * 3600],
  );
  readonly parts = new Counter(
    'dbops_job_parts_total',
    'Parts (child jobs) that ended on this worker, by job kind and outcome.',
  );
  readonly stepRetries = new Counter(
    'dbops_job_step_retries_total',
    'Idempotent steps tried again after a transient MySQL error, by job kind.',
  );
  readonly takeovers = new Counter(
    'dbops_job_takeovers_total',
    'Runs or parts this worker took over from a worker that stopped answering, by job kind.',
  );
  readonly handedBack = new Counter(
    'dbops_jobs_handed_back_total',
    'Jobs handed back to the queue by a worker shutting down.',
  );
  readonly queueJobs = new Gauge(
    'dbops_queue_jobs',
    'Jobs in each queue, by state (queue depth), read at scrape time.',
  );
  readonly slackErrors = new Counter(
    'dbops_slack_api_errors_total',
    'Slack Web API calls that failed, by method and error (ratelimited, HTTP status, or the error Slack returned).',
  );
  readonly backups = new Counter(
    'dbops_backups_total',
    'Backup runs that ended, by cluster and outcome (good, failed).',
  );
  readonly backupDuration = new Histogram(
    'dbops_backup_duration_seconds',
    'Time a backup run took (dump, manifest, restore check), by cluster and outcome.',
    [10, 60, 300, 900, 3600, 3 * 3600, 12 * 3600],
  );
  readonly backupBytes = new Gauge('dbops_backup_bytes', 'Size of the newest good backup set, by cluster.');
  private readonly collectors: Array<() => Promise<void>> = [];

  /** Read values (queue depths) just before each scrape. */
  addCollector(collect: () => Promise<void>): void {
    this.collectors.push(collect);
  }

  async render(): Promise<string> {
    await Promise.allSettled(this.collectors.map((collect) => collect()));
    const all: Metric[] = [
      this.jobs,
      this.jobDuration,
      this.parts,
      this.stepRetries,
      this.takeovers,
      this.handedBack,
      this.queueJobs,
      this.slackErrors,
      this.backups,
      this.backupDuration,
      this.backupBytes,
    ];
    return `${all.flatMap((m) => m.render()).join('\n')}\n`;
  }
}

/** A fetch for the Slack WebClient that counts failed calls (429s, HTTP errors, `ok: false` answers). */
export function countingSlackFetch(metrics: Metrics, base: typeof fetch = fetch): FetchFunction {
  return async (url, init) => {
    const method = new URL(String(url)).pathname.split('/').pop() || 'unknown';
    let response: Response;
    try {
      response = await base(url, init);
    } catch (err) {
      metrics.slackErrors.inc({ method, error: 'network' });
      throw err;
    }
    if (response.status === 429) metrics.slackErrors.inc({ method, error: 'ratelimited' });
    else if (response.status >= 400) metrics.slackErrors.inc({ method, error: `http_${response.status}` });
    else if (response.headers.get('content-type')?.includes('json')) {
      const body: unknown = await response
        .clone()
        .json()
        .catch(() => undefined);
      if (typeof body === 'object' && body !== null && 'ok' in body && body.ok === false) {
        metrics.slackErrors.inc({
          method,
          error: 'error' in body && typeof body.error === 'string' ? body.error : 'unknown',
        });
      }
    }
    return response;
  };
}

function labelText(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries.map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`).join(',')}}`;
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}
