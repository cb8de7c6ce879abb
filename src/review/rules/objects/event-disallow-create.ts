import { disallowCreate } from './_object-rule.js';

export const eventDisallowCreate = disallowCreate({
  id: 'system.event.disallow-create',
  severity: 'warning',
  kind: 'create-event',
  keyword: 'EVENT',
  summary: 'no CREATE EVENT',
  why:
    'Events are scheduled jobs that run inside the database server: nobody sees when they ' +
    'fail, they run on whichever server has the event scheduler on (and may run twice ' +
    'after a failover), and they compete with live traffic.',
  fix:
    'Schedule the job outside the database (a dbops job, cron, your scheduler) so it is ' +
    'monitored and alerts on failure.',
});
