#!/usr/bin/env bash
# Make sure MariaDB and Redis are installed and answering on 127.0.0.1 (what the tests and the
# example config use). Installs them from Debian's packages when missing. Idempotent.
set -euo pipefail

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

install_if_missing() {
  local missing=()
  command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] || missing+=(mariadb-server mariadb-client)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]} from Debian's packages"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}"
  fi
}

wait_for() { # name, command
  for _ in $(seq 1 60); do
    if eval "$2" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  echo "ERROR: $1 did not come up" >&2
  return 1
}

start_mariadb() {
  if mariadb -h127.0.0.1 -uroot -e 'SELECT 1' >/dev/null 2>&1; then return 0; fi
  echo "starting MariaDB"
  as_root mkdir -p /run/mysqld && as_root chown mysql:mysql /run/mysqld 2>/dev/null || true
  # --pidfile: other mariadbd processes (scripts/replica.sh's test instances) must not pass for this one.
  as_root start-stop-daemon --start --oknodo --background --pidfile /run/mysqld/mysqld.pid --exec /usr/sbin/mariadbd
  wait_for MariaDB "mariadb -h127.0.0.1 -uroot -e 'SELECT 1'"
}

start_redis() {
  if redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then return 0; fi
  echo "starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  wait_for Redis "redis-cli -h 127.0.0.1 ping"
}

install_if_missing
start_mariadb
start_redis
# pt-online-schema-change, for ALTERs of large tables (and the execution tests).
bash "$(dirname "$0")/ensure-percona-toolkit.sh"
echo "MariaDB $(mariadb -h127.0.0.1 -uroot -N -e 'SELECT VERSION()') and Redis $(redis-cli -h 127.0.0.1 info server | sed -n 's/^redis_version:\(.*\)\r/\1/p') are up"
