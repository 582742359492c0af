#!/usr/bin/env bash
# The local stack: PostgreSQL, NATS JetStream, the Temporal dev server, the asset folder.
#   stack.sh up       reuse what already answers on its standard port, install and start the rest
#   stack.sh down     stop only what `up` started
#   stack.sh status   what runs where
# State lives in .data/stack (pid files and markers of what we started).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DATA="${DATA_DIR:-$ROOT/.data}"
STATE="$DATA/stack"
LOGS="$DATA/logs"
CACHE="${MONTAGE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/montage}"
TEMPORAL_VERSION="v1.5.1"
TEMPORAL_BIN="$CACHE/temporal-cli-$TEMPORAL_VERSION/temporal"
PG_PORT=5432 NATS_PORT=4222 TEMPORAL_PORT=7233 TEMPORAL_UI_PORT=8233
mkdir -p "$STATE" "$LOGS" "$DATA/assets"

say() { printf '\033[36m[stack]\033[0m %s\n' "$*"; }
die() { printf '\033[31m[stack] %s\033[0m\n' "$*" >&2; exit 1; }

answers() { # host port → 0 when something accepts TCP there
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null && return 0 || return 1
}

wait_for() { # name seconds command...
  local name=$1 secs=$2; shift 2
  for ((i = 0; i < secs * 5; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  die "$name did not become healthy within ${secs}s (logs: $LOGS)"
}

apt_install() { # packages...
  say "installing $* from Debian packages"
  if [ ! -f "$STATE/apt-updated" ]; then apt-get update -qq && touch "$STATE/apt-updated"; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >"$LOGS/apt.log" 2>&1 || { tail -20 "$LOGS/apt.log"; die "apt-get install $* failed"; }
}

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# --- PostgreSQL --------------------------------------------------------------------------
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

postgres_up() {
  if answers 127.0.0.1 $PG_PORT; then say "PostgreSQL answers on 127.0.0.1:$PG_PORT (reused)"; return; fi
  [ -n "$(pg_bin)" ] || apt_install postgresql
  local bin; bin="$(pg_bin)"
  # Our own cluster with trust auth on loopback, so nothing on the system changes.
  local pgdata="$DATA/postgres"
  if [ ! -f "$pgdata/PG_VERSION" ]; then
    say "creating a PostgreSQL cluster in $pgdata"
    mkdir -p "$pgdata" && chown postgres:postgres "$pgdata" && chmod 700 "$pgdata"
    runuser -u postgres -- "$bin/initdb" -D "$pgdata" -U postgres --auth=trust -E UTF8 >"$LOGS/initdb.log" 2>&1 \
      || { tail "$LOGS/initdb.log"; die "initdb failed"; }
  fi
  touch "$LOGS/postgres.log" && chown postgres:postgres "$LOGS/postgres.log"
  runuser -u postgres -- "$bin/pg_ctl" -D "$pgdata" -l "$LOGS/postgres.log" -w -t 60 \
    -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k /tmp" start >/dev/null \
    || { tail "$LOGS/postgres.log"; die "PostgreSQL did not start"; }
  echo "$pgdata" >"$STATE/postgres.started"
  wait_for PostgreSQL 30 answers 127.0.0.1 $PG_PORT
  say "PostgreSQL started on 127.0.0.1:$PG_PORT (data $pgdata)"
}

postgres_down() {
  [ -f "$STATE/postgres.started" ] || return 0
  runuser -u postgres -- "$(pg_bin)/pg_ctl" -D "$(cat "$STATE/postgres.started")" -m fast stop >/dev/null 2>&1 || true
  rm -f "$STATE/postgres.started"; say "PostgreSQL stopped"
}

# --- NATS --------------------------------------------------------------------------------
nats_up() {
  if answers 127.0.0.1 $NATS_PORT; then say "NATS answers on 127.0.0.1:$NATS_PORT (reused; JetStream is checked by the services)"; return; fi
  command -v nats-server >/dev/null || [ -x /usr/sbin/nats-server ] || apt_install nats-server
  local bin; bin="$(command -v nats-server || echo /usr/sbin/nats-server)"
  mkdir -p "$DATA/nats"
  nohup "$bin" -a 127.0.0.1 -p $NATS_PORT -js -sd "$DATA/nats" >"$LOGS/nats.log" 2>&1 &
  echo $! >"$STATE/nats.pid"
  wait_for NATS 20 answers 127.0.0.1 $NATS_PORT
  say "NATS JetStream started on 127.0.0.1:$NATS_PORT (data $DATA/nats)"
}

nats_down() {
  pid_alive "$STATE/nats.pid" && kill "$(cat "$STATE/nats.pid")" && say "NATS stopped"
  rm -f "$STATE/nats.pid"
}

# --- Temporal ----------------------------------------------------------------------------
temporal_build() {
  [ -x "$TEMPORAL_BIN" ] && return
  local go; go="$(command -v go || echo /usr/local/go/bin/go)"
  [ -x "$go" ] || die "Go is needed once to build the Temporal CLI (go install); install Go 1.22+ and retry"
  say "building the Temporal CLI $TEMPORAL_VERSION into $(dirname "$TEMPORAL_BIN") (once; a few minutes)"
  mkdir -p "$(dirname "$TEMPORAL_BIN")"
  GOBIN="$(dirname "$TEMPORAL_BIN")" "$go" install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_VERSION" >"$LOGS/temporal-build.log" 2>&1 \
    || { tail -20 "$LOGS/temporal-build.log"; die "go install of the Temporal CLI failed"; }
}

temporal_healthy() { "$TEMPORAL_BIN" operator cluster health --address 127.0.0.1:$TEMPORAL_PORT 2>/dev/null | grep -q SERVING; }

temporal_up() {
  temporal_build
  if answers 127.0.0.1 $TEMPORAL_PORT; then
    wait_for Temporal 60 temporal_healthy
    say "Temporal answers on 127.0.0.1:$TEMPORAL_PORT (reused)"; return
  fi
  mkdir -p "$DATA/temporal"
  nohup "$TEMPORAL_BIN" server start-dev --ip 127.0.0.1 --port $TEMPORAL_PORT --ui-port $TEMPORAL_UI_PORT \
    --db-filename "$DATA/temporal/dev.db" --log-level warn >"$LOGS/temporal.log" 2>&1 &
  echo $! >"$STATE/temporal.pid"
  wait_for Temporal 90 temporal_healthy
  say "Temporal started on 127.0.0.1:$TEMPORAL_PORT (UI http://127.0.0.1:$TEMPORAL_UI_PORT, data $DATA/temporal)"
}

temporal_down() {
  pid_alive "$STATE/temporal.pid" && kill "$(cat "$STATE/temporal.pid")" && say "Temporal stopped"
  rm -f "$STATE/temporal.pid"
}

status_line() { # name host port
  if answers "$2" "$3"; then printf '  %-11s %s:%s  up' "$1" "$2" "$3"; else printf '  %-11s %s:%s  down' "$1" "$2" "$3"; fi
  case "$1" in
    PostgreSQL) [ -f "$STATE/postgres.started" ] && printf ' (started by us)' ;;
    NATS) pid_alive "$STATE/nats.pid" && printf ' (started by us)' ;;
    Temporal) pid_alive "$STATE/temporal.pid" && printf ' (started by us)' ;;
  esac
  echo
}

status() {
  echo "Montage local stack:"
  status_line PostgreSQL 127.0.0.1 $PG_PORT
  status_line NATS 127.0.0.1 $NATS_PORT
  status_line Temporal 127.0.0.1 $TEMPORAL_PORT
  echo "  assets      $DATA/assets"
}

case "${1:-status}" in
  up) postgres_up; nats_up; temporal_up; status ;;
  down) temporal_down; nats_down; postgres_down ;;
  status) status ;;
  *) die "usage: stack.sh up|down|status" ;;
esac
