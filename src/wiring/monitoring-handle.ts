import type { AlertService } from '../monitor/alert-service.js';
import type { Poller } from '../monitor/poller.js';
import type { MonitorWorker } from './monitor-worker.js';
import type { FailureDetector } from '../ha/failure-detector.js';

/** What a running dbops keeps of monitoring: the alert service always; the poller and worker where it runs workers. */
export interface Monitoring {
  alerts: AlertService;
  /** Set where this process polls (DBOPS_ROLE all or worker). */
  poller?: Poller;
  worker?: MonitorWorker;
  /** Set where this process polls: this worker's observations of each primary (src/ha/failure-detector.ts). */
  failures?: FailureDetector;
  stop(): Promise<void>;
}
