import type { Pool, RowDataPacket } from 'mysql2/promise';
import { z } from 'zod';
import { sqlDateTime } from '../kernel/format.js';

export interface RollbackRecord {
  ticketId: number;
  rollbackTicketId: number;
  requestedBy: string;
  rows: number;
}

const Row = z.object({
  ticket_id: z.coerce.number(),
  rollback_ticket_id: z.coerce.number(),
  requested_by: z.string(),
  rows_to_restore: z.coerce.number(),
});

/** Which rollback tickets were opened for which ticket (meta database, migration 004). */
export class RollbackStore {
  constructor(private readonly meta: Pool) {}

  async record(r: RollbackRecord, at: Date): Promise<void> {
    await this.meta.query(
      'INSERT IGNORE INTO ticket_rollbacks (ticket_id, rollback_ticket_id, requested_by, requested_at, rows_to_restore) VALUES (?, ?, ?, ?, ?)',
      [r.ticketId, r.rollbackTicketId, r.requestedBy, sqlDateTime(at), r.rows],
    );
  }

  /** The rollback tickets opened for `ticketId`, newest first. */
  async forTicket(ticketId: number): Promise<RollbackRecord[]> {
    const [rows] = await this.meta.query<RowDataPacket[]>(
      'SELECT * FROM ticket_rollbacks WHERE ticket_id = ? ORDER BY rollback_ticket_id DESC',
      [ticketId],
    );
    return rows.map((raw) => {
      const r = Row.parse(raw);
      return {
        ticketId: r.ticket_id,
        rollbackTicketId: r.rollback_ticket_id,
        requestedBy: r.requested_by,
        rows: r.rows_to_restore,
      };
    });
  }
}
