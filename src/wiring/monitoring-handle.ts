import type { AlertService } from '../monitor/alert-service.js';
import type { Poller } from '../monitor/poller.js';
import type { MonitorWorker } from './monitor-worker.js';

/** What a running dbops keeps of monitoring: the alert service always; the poller and worker where it runs workers. */
export interface Monitoring {
  alerts: AlertService;
  /** Set where this process polls (DBOPS_ROLE all or worker). */
  poller?: Poller;
  worker?: MonitorWorker;
  stop(): Promise<void>;
}
