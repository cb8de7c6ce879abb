#!/usr/bin/env bash
# A small `shop` schema on the local MariaDB for the local workspace tour (README, "Try it without
# Slack"): customers and orders with a few rows, and an empty `shop_copy` to migrate into.
# Idempotent; `--reset` drops and recreates both.
set -euo pipefail

HOST=${DEMO_HOST:-127.0.0.1}
SCHEMA=${DEMO_SCHEMA:-shop}
sql() { mariadb -h"$HOST" -uroot "$@"; }

if [ "${1:-}" = "--reset" ]; then sql -e "DROP DATABASE IF EXISTS \`$SCHEMA\`; DROP DATABASE IF EXISTS \`${SCHEMA}_copy\`"; fi
sql -e "CREATE DATABASE IF NOT EXISTS \`${SCHEMA}_copy\` DEFAULT CHARACTER SET utf8mb4"
if sql -N -e "SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '$SCHEMA'" | grep -q 1; then
  echo "schema $SCHEMA already exists on $HOST (use --reset to recreate it)"
  exit 0
fi
sql <<SQL
CREATE DATABASE \`$SCHEMA\` DEFAULT CHARACTER SET utf8mb4;
USE \`$SCHEMA\`;
CREATE TABLE customers (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT COMMENT 'customer id',
  name VARCHAR(100) NOT NULL DEFAULT '' COMMENT 'display name',
  email VARCHAR(190) NOT NULL DEFAULT '' COMMENT 'login e-mail',
  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP COMMENT 'sign-up time',
  PRIMARY KEY (id),
  UNIQUE KEY uk_customers_email (email)
) ENGINE=InnoDB COMMENT='shop customers';
CREATE TABLE orders (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT COMMENT 'order id',
  customer_id BIGINT UNSIGNED NOT NULL DEFAULT 0 COMMENT 'customers.id',
  status TINYINT UNSIGNED NOT NULL DEFAULT 0 COMMENT '0 new, 1 paid, 2 shipped, 3 cancelled',
  total_cents INT UNSIGNED NOT NULL DEFAULT 0 COMMENT 'order total in cents',
  note VARCHAR(200) NOT NULL DEFAULT '' COMMENT 'free text',
  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP COMMENT 'order time',
  PRIMARY KEY (id),
  KEY idx_orders_customer_id (customer_id),
  KEY idx_orders_status (status)
) ENGINE=InnoDB COMMENT='shop orders';
INSERT INTO customers (name, email) VALUES ('Ada', 'ada@example.com'), ('Brian', 'brian@example.com'), ('Chen', 'chen@example.com');
INSERT INTO orders (customer_id, status, total_cents, note) VALUES
  (1, 1, 1999, ''), (1, 2, 4550, 'gift'), (2, 0, 1200, ''), (3, 1, 999, ''), (3, 3, 3100, 'duplicate');
SQL
echo "schema $SCHEMA created on $HOST: customers (3 rows), orders (5 rows); ${SCHEMA}_copy is empty"
