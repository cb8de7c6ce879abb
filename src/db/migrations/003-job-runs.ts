import type { Migration } from './index.js';

/**
 * What the job runner keeps in MySQL, so a wiped Redis or a killed worker never loses track of a
 * run: one row per ticket attempt (who holds it, progress, the status message, the outcome and
 * whether the final message reached Slack), one row per part of a decomposed run, and the step
 * journal that stops a redelivered job from repeating a step that is not idempotent.
 *
 * `run_token` is the fencing token: each worker that takes a run or a part writes a fresh one, and
 * every journal write checks it, so a worker that lost its job (it stalled and another took over)
 * can no longer record anything.
 */
export const m003JobRuns: Migration = {
  version: 3,
  name: 'job runs',
  statements: [
    `CREATE TABLE IF NOT EXISTS ticket_runs (
      ticket_id BIGINT UNSIGNED NOT NULL,
      attempt INT UNSIGNED NOT NULL,
      job_id VARCHAR(191) NOT NULL,
      kind VARCHAR(64) NOT NULL,
      run_token CHAR(32) NOT NULL COMMENT 'fencing token of the worker coordinating the run',
      worker VARCHAR(191) NOT NULL,
      phase VARCHAR(16) NOT NULL COMMENT 'planning | waiting | finishing | finished',
      takeovers INT UNSIGNED NOT NULL DEFAULT 0,
      parts_total INT UNSIGNED NULL,
      part_noun VARCHAR(32) NULL,
      progress DOUBLE NULL,
      progress_text VARCHAR(500) NULL,
      log_tail TEXT NULL COMMENT 'JSON array of the last log lines',
      status_channel VARCHAR(32) NULL,
      status_ts VARCHAR(32) NULL,
      started_at DATETIME(3) NOT NULL,
      heartbeat_at DATETIME(3) NOT NULL,
      finished_at DATETIME(3) NULL,
      outcome VARCHAR(16) NULL COMMENT 'succeeded | failed | cancelled',
      summary TEXT NULL,
      details LONGTEXT NULL COMMENT 'JSON',
      final_claim_until DATETIME(3) NULL,
      final_posted_at DATETIME(3) NULL,
      PRIMARY KEY (ticket_id, attempt),
      KEY idx_ticket_runs_final (final_posted_at, finished_at),
      CONSTRAINT fk_ticket_runs_ticket FOREIGN KEY (ticket_id) REFERENCES tickets (id)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='one run of a ticket attempt on the job runner'`,
    `CREATE TABLE IF NOT EXISTS ticket_parts (
      ticket_id BIGINT UNSIGNED NOT NULL,
      attempt INT UNSIGNED NOT NULL,
      part_index INT UNSIGNED NOT NULL,
      part_key VARCHAR(191) NOT NULL,
      label VARCHAR(255) NOT NULL,
      data LONGTEXT NULL COMMENT 'JSON',
      state VARCHAR(16) NOT NULL DEFAULT 'pending' COMMENT 'pending | running | done | failed | stopped | skipped',
      run_token CHAR(32) NULL,
      worker VARCHAR(191) NULL,
      takeovers INT UNSIGNED NOT NULL DEFAULT 0,
      started_at DATETIME(3) NULL,
      finished_at DATETIME(3) NULL,
      result LONGTEXT NULL COMMENT 'JSON',
      error TEXT NULL,
      PRIMARY KEY (ticket_id, attempt, part_index),
      KEY idx_ticket_parts_state (ticket_id, attempt, state),
      CONSTRAINT fk_ticket_parts_run FOREIGN KEY (ticket_id, attempt) REFERENCES ticket_runs (ticket_id, attempt)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='the parts (child jobs) of a decomposed run'`,
    `CREATE TABLE IF NOT EXISTS ticket_steps (
      ticket_id BIGINT UNSIGNED NOT NULL,
      attempt INT UNSIGNED NOT NULL,
      part_index INT NOT NULL COMMENT '-1: the coordinator (planning)',
      name VARCHAR(191) NOT NULL,
      seq INT UNSIGNED NOT NULL,
      idempotent TINYINT(1) NOT NULL,
      state VARCHAR(16) NOT NULL COMMENT 'started | done | failed',
      tries INT UNSIGNED NOT NULL DEFAULT 1,
      run_token CHAR(32) NOT NULL,
      result LONGTEXT NULL COMMENT 'JSON',
      error TEXT NULL,
      started_at DATETIME(3) NOT NULL,
      finished_at DATETIME(3) NULL,
      PRIMARY KEY (ticket_id, attempt, part_index, name),
      CONSTRAINT fk_ticket_steps_run FOREIGN KEY (ticket_id, attempt) REFERENCES ticket_runs (ticket_id, attempt)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='step journal: what a run did, so a redelivered job resumes without repeating it'`,
  ],
};
