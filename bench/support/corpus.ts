/** A deterministic mixed corpus of MySQL statements, shaped like what developers submit. */
const TEMPLATES: Array<(i: number) => string> = [
  (i) =>
    `SELECT o.id, o.status, c.name FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.created_at > '2026-01-${(i % 28) + 1}' AND o.status IN (1, 2, 3) ORDER BY o.id DESC LIMIT 50`,
  (i) => `UPDATE orders SET status = ${i % 5}, updated_at = NOW() WHERE id = ${i}`,
  (i) => `DELETE FROM sessions WHERE user_id = ${i} AND expires_at < '2026-11-01 00:00:00'`,
  (i) =>
    `INSERT INTO audit_log (user_id, action, detail) VALUES (${i}, 'login', 'ok'), (${i + 1}, 'logout', 'ok'), (${i + 2}, 'login', 'fail')`,
  (i) => `SELECT * FROM products WHERE name LIKE '%phone${i}%'`,
  (i) =>
    `CREATE TABLE t_${i} (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT, name VARCHAR(64) NOT NULL DEFAULT '' COMMENT 'name', amount DECIMAL(12,2) NOT NULL DEFAULT 0, created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP, PRIMARY KEY (id), KEY idx_name (name)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='table ${i}'`,
  (i) => `ALTER TABLE orders ADD COLUMN note_${i} VARCHAR(255) NULL COMMENT 'note', ALGORITHM=INPLACE, LOCK=NONE`,
  (i) => `SELECT COUNT(*) AS n, status FROM orders WHERE customer_id = ${i} GROUP BY status HAVING n > 1`,
  (i) => `UPDATE accounts a JOIN users u ON u.id = a.user_id SET a.balance = a.balance - 1 WHERE u.id = ${i}`,
  (i) => `SELECT id FROM users WHERE email = 'user${i}@example.com' OR phone = '1380000${i}' LIMIT 1`,
];

export function mixedCorpus(statements: number): string[] {
  return Array.from({ length: statements }, (_, i) => TEMPLATES[i % TEMPLATES.length](i));
}

export function corpusText(statements: number): string {
  return `${mixedCorpus(statements).join(';\n')};\n`;
}
