#!/usr/bin/env bash
# A throwaway MariaDB replication set for the monitor and HA tests and benchmark: a primary on PORT and
# a replica of it on PORT+1 (with --replicas 2, a second one on PORT+2), each with its own datadir,
# socket and pid file under /var/tmp/dbops-replica/<name>/. The shared server on 127.0.0.1:3306 is
# never touched.
#
#   scripts/replica.sh start   [--name NAME] [--port PORT] [--primary-only] [--replicas 1|2] [--max-connections N] [--slave-net-timeout S]
#   scripts/replica.sh stop    [--name NAME]      # clean shutdown of every node (datadirs kept)
#   scripts/replica.sh cleanup [--name NAME]      # stop and delete the datadirs
#   scripts/replica.sh kill-replica [--name NAME] # SIGKILL the replica (tests of "instance down")
#   scripts/replica.sh kill-primary [--name NAME] # SIGKILL the primary (tests of failure detection)
#   scripts/replica.sh kill-node NODE [--name NAME] # SIGKILL primary, replica or replica2 (whatever role it has now)
#   scripts/replica.sh status  [--name NAME]
#
# With --replicas 2 every node is promotable (binary log on, replicated changes logged, the
# replication account on every node), as a switchover or failover needs; the set then keeps whatever
# topology a switchover gave it: after the first start, `start` only restarts what is down.
#
# `start` is idempotent: it starts what is not running, (re)configures replication when it is not
# set up, restarts stopped replication threads, rebuilds a replica whose SQL thread has an error,
# and returns once the replica's IO and SQL threads both run. Root connects without a password over
# TCP from 127.0.0.1 (as on the shared test server). Replication uses GTIDs (crash-safe), so a
# replica killed with SIGKILL resumes where it was. --slave-net-timeout S (recorded at the first
# start, every node) makes replicas notice a silent primary after S seconds (heartbeat every S/2)
# instead of MariaDB's 60: what failure detection asks the replicas before an automatic failover.
set -euo pipefail

NAME=default
PORT=3307
PRIMARY_ONLY=0
REPLICAS=1
MAX_CONNECTIONS=300
SLAVE_NET_TIMEOUT=
BASE_ROOT=${DBOPS_REPLICA_DIR:-/var/tmp/dbops-replica}
REPL_USER=dbops_repl
REPL_PASSWORD=dbops_repl_local_only

command_name=${1:-}
[ $# -gt 0 ] && shift
KILL_NODE=
if [ "$command_name" = kill-node ]; then KILL_NODE=${1:-}; [ $# -gt 0 ] && shift; fi
while [ $# -gt 0 ]; do
  case "$1" in
    --name) NAME=$2; shift 2 ;;
    --port) PORT=$2; shift 2 ;;
    --primary-only) PRIMARY_ONLY=1; shift ;;
    --replicas) REPLICAS=$2; shift 2 ;;
    --max-connections) MAX_CONNECTIONS=$2; shift 2 ;;
    --slave-net-timeout) SLAVE_NET_TIMEOUT=$2; shift 2 ;;
    *) echo "replica.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
case "$NAME" in *[!a-z0-9_-]*|'') echo "replica.sh: --name takes lower-case letters, digits, - or _" >&2; exit 2 ;; esac
case "$REPLICAS" in 1|2) ;; *) echo "replica.sh: --replicas takes 1 or 2" >&2; exit 2 ;; esac
case "$SLAVE_NET_TIMEOUT" in ''|[1-9]|[1-9][0-9]|[1-9][0-9][0-9]) ;; *) echo "replica.sh: --slave-net-timeout takes seconds (1-999)" >&2; exit 2 ;; esac

BASE="$BASE_ROOT/$NAME"
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
# As root the servers run as the mysql user (mariadbd refuses root); otherwise as whoever runs this.
if [ "$(id -u)" = 0 ]; then RUN_AS=(--user=mysql); else RUN_AS=(); fi

dir_of() { echo "$BASE/$1"; }
port_of() { case "$1" in primary) echo "$PORT" ;; replica) echo $((PORT + 1)) ;; *) echo $((PORT + 2)) ;; esac; }
# The nodes of the set: recorded at start (a later stop/status without --replicas still sees them).
nodes() { if [ -f "$BASE/replicas" ] && [ "$(cat "$BASE/replicas")" = 2 ]; then echo primary replica replica2; else echo primary replica; fi; }
replica_nodes() { nodes | tr ' ' '\n' | grep -v '^primary$'; }
promotable() { [ -f "$BASE/replicas" ] && [ "$(cat "$BASE/replicas")" = 2 ]; }
# A promotable node logs what it applies, so that any node can become the primary (GTID positions stay comparable).
node_options() { # node
  if [ -f "$BASE/slave_net_timeout" ]; then echo "--slave-net-timeout=$(cat "$BASE/slave_net_timeout")"; fi
  if promotable; then echo --log-bin=mysql-bin --binlog-format=ROW --log-slave-updates=ON --relay-log=relay-bin
  elif [ "$1" = primary ]; then echo --log-bin=mysql-bin --binlog-format=ROW
  else echo --relay-log=relay-bin --log-slave-updates=OFF; fi
}
server_id_of() { case "$1" in primary) echo 1 ;; replica) echo 2 ;; *) echo 3 ;; esac; }
# The port a node was started with (the one recorded at start wins over --port for stop/status).
recorded_port() { local f; f="$(dir_of "$1")/port"; if [ -f "$f" ]; then cat "$f"; else port_of "$1"; fi; }
sql() { # node, sql… (as root over the node's socket; extra args go to the client)
  local node=$1; shift
  mariadb --no-defaults --socket="$(dir_of "$node")/mysqld.sock" -uroot --batch --skip-column-names "$@"
}
alive() { sql "$1" -e 'SELECT 1' >/dev/null 2>&1; }
pid_of() { local f; f="$(dir_of "$1")/mysqld.pid"; [ -f "$f" ] && cat "$f" || true; }

install_if_missing() {
  if command -v mariadb-install-db >/dev/null 2>&1 && [ -x /usr/sbin/mariadbd ]; then return 0; fi
  echo "installing mariadb-server from Debian's packages"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq mariadb-server mariadb-client
}

wait_until() { # seconds, description, command…
  local seconds=$1 what=$2; shift 2
  for _ in $(seq 1 $((seconds * 5))); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  echo "replica.sh: $what did not happen within ${seconds}s" >&2
  return 1
}

start_node() { # node, server-id, extra mariadbd options…
  local node=$1 server_id=$2; shift 2
  local dir port
  dir=$(dir_of "$node")
  port=$(port_of "$node")
  if alive "$node"; then return 0; fi
  mkdir -p "$dir/tmp"
  # A datadir is reused only when its install finished (the marker): an install cut short (a killed
  # run, a full disk) leaves a mysql/ folder that is not a working server, so it is made again.
  if [ ! -f "$dir/data/.dbops-installed" ]; then
    rm -rf "$dir/data"
    mkdir -p "$dir/data"
    [ ${#RUN_AS[@]} -eq 0 ] || chown -R mysql:mysql "$dir/data" "$dir/tmp"
    # Its own tmpdir: the bootstrap's temporary tables never meet another server's files in /tmp.
    mariadb-install-db --no-defaults --datadir="$dir/data" "${RUN_AS[@]}" --auth-root-authentication-method=normal \
      --skip-test-db --tmpdir="$dir/tmp" >"$dir/install.log" 2>&1 || {
      cat "$dir/install.log" >&2
      rm -rf "$dir/data"
      return 1
    }
    touch "$dir/data/.dbops-installed"
  fi
  echo "$port" >"$dir/port"
  [ ${#RUN_AS[@]} -eq 0 ] || chown -R mysql:mysql "$dir"
  rm -f "$dir/mysqld.sock" "$dir/mysqld.pid"
  setsid /usr/sbin/mariadbd --no-defaults "${RUN_AS[@]}" --datadir="$dir/data" --port="$port" --bind-address=127.0.0.1 \
    --socket="$dir/mysqld.sock" --pid-file="$dir/mysqld.pid" --log-error="$dir/error.log" --tmpdir="$dir/tmp" \
    --server-id="$server_id" --skip-name-resolve --performance-schema=OFF --innodb-buffer-pool-size=32M \
    --innodb-log-file-size=16M --max-connections="$MAX_CONNECTIONS" --character-set-server=utf8mb4 \
    --collation-server=utf8mb4_general_ci "$@" </dev/null >/dev/null 2>&1 9>&- &
  if ! wait_until 60 "MariaDB $NAME/$node on port $port to answer" alive "$node"; then
    tail -n 30 "$dir/error.log" >&2 || true
    return 1
  fi
  # Root over TCP from 127.0.0.1, without a password, like the shared test server; kept out of the binlog.
  sql "$node" <<'SQL'
SET SESSION sql_log_bin = 0;
CREATE USER IF NOT EXISTS 'root'@'127.0.0.1';
GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
SQL
}

replication_state() { # [node] prints "IO SQL SQL_ERRNO" or "none"
  local out
  out=$(mariadb --no-defaults --socket="$(dir_of "${1:-replica}")/mysqld.sock" -uroot --batch -e 'SHOW SLAVE STATUS' 2>/dev/null || true)
  if [ -z "$out" ]; then echo none; return; fi
  awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    NR == 2 { errno = $col["Last_SQL_Errno"]; print $col["Slave_IO_Running"], $col["Slave_SQL_Running"], (errno == "" ? 0 : errno) }' <<<"$out"
}

replicating() { [ "$(replication_state "${1:-replica}" | cut -d' ' -f1-2)" = "Yes Yes" ]; }

configure_replication() { # [node]
  sql "${1:-replica}" <<SQL
STOP SLAVE;
RESET SLAVE ALL;
CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=$(port_of primary), MASTER_USER='$REPL_USER',
  MASTER_PASSWORD='$REPL_PASSWORD', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1;
START SLAVE;
SQL
}

rebuild_replica() { # [node]
  local node=${1:-replica}
  echo "replica.sh: rebuilding $node of $NAME (its replication had an error)" >&2
  stop_node "$node"
  rm -rf "$(dir_of "$node")/data"
  # shellcheck disable=SC2046
  start_node "$node" "$(server_id_of "$node")" --read-only=ON $(node_options "$node")
  create_repl_user "$node"
}

# Replication running and caught up with everything the primary has written; fails on a SQL error.
ensure_replication() { # [node]
  local node=${1:-replica} state pos
  state=$(replication_state "$node")
  if [ "$state" = none ]; then
    configure_replication "$node"
  elif [ "$(cut -d' ' -f3 <<<"$state")" != 0 ]; then
    return 1
  elif ! replicating "$node"; then
    sql "$node" -e 'START SLAVE' || true
  fi
  wait_until 60 "replication of $NAME/$node (IO and SQL threads running)" replicating "$node" || return 1
  pos=$(sql primary -e 'SELECT @@gtid_binlog_pos')
  for _ in $(seq 1 60); do
    [ "$(sql "$node" -e "SELECT MASTER_GTID_WAIT('$pos', 1)")" = 0 ] && return 0
    [ "$(replication_state "$node" | cut -d' ' -f3)" = 0 ] || return 1
  done
  echo "replica.sh: $node of $NAME did not catch up within 60s" >&2
  return 1
}

create_repl_user() { # node: the replication account, kept out of the binlog
  sql "$1" <<SQL
SET SESSION sql_log_bin = 0;
CREATE USER IF NOT EXISTS '$REPL_USER'@'127.0.0.1' IDENTIFIED BY '$REPL_PASSWORD';
GRANT REPLICATION SLAVE ON *.* TO '$REPL_USER'@'127.0.0.1';
SQL
}

cmd_start() {
  install_if_missing
  mkdir -p "$BASE"
  # Only one `start` per set at a time (test files may start the same set together).
  exec 9>"$BASE.lock"
  flock -w 120 9 || { echo "replica.sh: another start of $NAME holds $BASE.lock" >&2; exit 1; }
  [ -f "$BASE/replicas" ] || echo "$REPLICAS" >"$BASE/replicas"
  if [ -n "$SLAVE_NET_TIMEOUT" ] && [ ! -f "$BASE/configured" ]; then echo "$SLAVE_NET_TIMEOUT" >"$BASE/slave_net_timeout"; fi
  if promotable && [ -f "$BASE/configured" ]; then
    # A switchover may have moved the primary: bring every node back up as it is, reconfiguring nothing.
    local node
    for node in $(nodes); do
      # shellcheck disable=SC2046
      start_node "$node" "$(server_id_of "$node")" $(node_options "$node")
    done
    echo "MariaDB $NAME nodes are up (topology left as a switchover made it)"
    return 0
  fi
  # shellcheck disable=SC2046
  start_node primary 1 $(node_options primary)
  create_repl_user primary
  if [ "$PRIMARY_ONLY" = 1 ]; then
    echo "MariaDB $NAME primary on 127.0.0.1:$(port_of primary) is up"
    return 0
  fi
  local node
  for node in $(replica_nodes); do
    # shellcheck disable=SC2046
    start_node "$node" "$(server_id_of "$node")" --read-only=ON $(node_options "$node")
    if promotable; then create_repl_user "$node"; fi
    ensure_replication "$node" || { rebuild_replica "$node" && ensure_replication "$node"; }
  done
  if promotable; then : >"$BASE/configured"; fi
  echo "MariaDB $NAME primary on 127.0.0.1:$(port_of primary), replicas on $(for n in $(replica_nodes); do printf '127.0.0.1:%s ' "$(port_of "$n")"; done)(replicating)"
}

stop_node() {
  local node=$1 pid
  pid=$(pid_of "$node")
  if alive "$node"; then sql "$node" -e 'SHUTDOWN' >/dev/null 2>&1 || true; fi
  if [ -n "$pid" ]; then
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$(dir_of "$node")/mysqld.pid"
}

cmd_kill() { # node
  local node=$1 pid
  pid=$(pid_of "$node")
  [ -n "$pid" ] || { echo "replica.sh: no $node of $NAME is running" >&2; return 1; }
  kill -9 "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  echo "killed the $node of $NAME (pid $pid)"
}

cmd_status() {
  for node in $(nodes); do
    if alive "$node"; then echo "$node 127.0.0.1:$(recorded_port "$node") up"; else echo "$node 127.0.0.1:$(recorded_port "$node") down"; fi
  done
  for node in $(replica_nodes); do
    if alive "$node"; then echo "$node replication (IO SQL errno): $(replication_state "$node")"; fi
  done
}

stop_all() { local node; for node in $(replica_nodes) primary; do stop_node "$node"; done; }

case "$command_name" in
  start) cmd_start ;;
  stop) stop_all; echo "stopped MariaDB $NAME" ;;
  cleanup) stop_all; rm -rf "$BASE" "$BASE.lock"; echo "removed MariaDB $NAME" ;;
  kill-replica) cmd_kill replica ;;
  kill-primary) cmd_kill primary ;;
  kill-node)
    case "$KILL_NODE" in primary|replica|replica2) cmd_kill "$KILL_NODE" ;; *) echo "replica.sh: kill-node takes primary, replica or replica2" >&2; exit 2 ;; esac ;;
  status) cmd_status ;;
  *) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
