import { type DbopsConfig, haSettings } from '../config/schema.js';
import { requireCluster } from '../config/clusters.js';
import { planSwitchover, type SwitchoverPlan } from './plan.js';
import { surveyCluster } from './survey.js';

/** The bot's side of a switchover: read the cluster and plan it before a ticket exists (commands read targets only through it). */
export interface SwitchoverPlanner {
  plan(cluster: string, to: string | null, mode?: 'switchover' | 'failover'): Promise<SwitchoverPlan>;
}

export function createSwitchoverPlanner(deps: {
  config: Pick<DbopsConfig, 'clusters'>;
  secrets: NodeJS.ProcessEnv;
}): SwitchoverPlanner {
  return {
    async plan(name, to, mode = 'switchover') {
      const cluster = requireCluster(deps.config, name);
      const facts = await surveyCluster(cluster, deps.secrets);
      return planSwitchover({
        mode,
        primary: cluster.primary,
        replicas: cluster.replicas,
        facts,
        settings: haSettings(cluster),
        to,
      });
    },
  };
}
