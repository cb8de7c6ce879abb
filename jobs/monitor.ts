import { z } from 'zod';
import type { JobsOptions } from 'bullmq';
import type { PollResult } from '../src/monitor/poller.js';

/**
 * Monitor jobs. They are not ticket jobs (no ticket, no approval, nothing changes on a target):
 * they run on their own queue (`dbops-monitors`) created by job schedulers, one per configured
 * instance every `monitors.interval_seconds`, plus one alert sweep a minute. src/wiring/monitor-worker.ts
 * runs them; they are listed in jobs/index.ts as `monitorJobs`, apart from `ticketJobs`.
 */

/** Data of a poll job: which instance (ids only, never credentials). */
export const MonitorPollData = z.strictObject({ cluster: z.string().min(1), instance: z.string().min(1) });
export type MonitorPollData = z.infer<typeof MonitorPollData>;

export interface MonitorJobContext {
  poller: { poll(cluster: string, instance: string): Promise<PollResult> };
  alerts: { sweep(): Promise<void> };
  /** Gathers the weekly digest and posts it in the alert channel; what it said, for the job's return value. */
  digest: { send(): Promise<string> };
}

export interface MonitorJob<D extends z.ZodType = z.ZodType> {
  name: string;
  data: D;
  /** One attempt: the next poll comes anyway. Finished polls are not kept (thousands an hour). */
  options: JobsOptions;
  process(data: z.infer<D>, ctx: MonitorJobContext): Promise<string>;
}

const options: JobsOptions = { attempts: 1, removeOnComplete: true, removeOnFail: { age: 24 * 3600, count: 200 } };

export const monitorPoll: MonitorJob<typeof MonitorPollData> = {
  name: 'monitor-poll',
  data: MonitorPollData,
  options,
  async process(data, ctx) {
    const result = await ctx.poller.poll(data.cluster, data.instance);
    if (result.status === 'up')
      return result.conditions.length === 0
        ? 'ok'
        : result.conditions.map((c) => `${c.checkId}: ${c.severity}`).join(', ');
    return result.status === 'down' ? `down: ${result.problem}` : `skipped: ${result.reason}`;
  },
};

export const alertSweep: MonitorJob<z.ZodObject<Record<string, never>>> = {
  name: 'alert-sweep',
  data: z.strictObject({}),
  options,
  async process(_data, ctx) {
    await ctx.alerts.sweep();
    return 'swept';
  },
};

export const weeklyDigest: MonitorJob<z.ZodObject<Record<string, never>>> = {
  name: 'weekly-digest',
  data: z.strictObject({}),
  // Posted once per week slot: a failure is logged and the next week comes anyway.
  options: { attempts: 1, removeOnComplete: { count: 10 }, removeOnFail: { count: 10 } },
  process: (_data, ctx) => ctx.digest.send(),
};
