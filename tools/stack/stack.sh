#!/usr/bin/env bash
# Starts the servers Sokoul needs — PostgreSQL, Redis, NATS with JetStream — when nothing is
# listening on their ports yet: project-local data under .stack/, binaries from Debian's
# packages (installed with apt-get when missing). `down` stops only what `up` started.
#
#   tools/stack/stack.sh up | down | status
#
# Ports: PGPORT (5432), REDIS_PORT (6379), NATS_PORT (4222). Databases created: sokoul, sokoul_test.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
state="$root/.stack"
pg_port="${PGPORT:-5432}"
redis_port="${REDIS_PORT:-6379}"
nats_port="${NATS_PORT:-4222}"

say() { printf '[stack] %s\n' "$*"; }

listening() { # port
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

wait_for() { # port name
  for _ in $(seq 1 100); do
    listening "$1" && return 0
    sleep 0.2
  done
  say "$2 did not start listening on $1; see $state/$2.log"
  return 1
}

apt_updated=""
need() { # command package
  command -v "$1" >/dev/null 2>&1 && return 0
  [ -x "$1" ] && return 0
  say "installing $2 from Debian's packages"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if [ -z "$apt_updated" ]; then $sudo apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$2" >/dev/null
}

pg_bin() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [ -n "$dir" ] || { need /usr/lib/postgresql/none/bin/postgres postgresql; dir="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"; }
  echo "$dir"
}

as_postgres() { # PostgreSQL refuses to run as root
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_postgres() {
  if listening "$pg_port"; then say "postgres: already listening on $pg_port"; return; fi
  local bin; bin="$(pg_bin)"
  local data="$state/postgres"
  mkdir -p "$state/run"
  if [ ! -f "$data/PG_VERSION" ]; then
    mkdir -p "$data"
    [ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$data" "$state/run"
    as_postgres "$bin/initdb" -D "$data" --username=postgres --auth=trust --encoding=UTF8 >/dev/null
  fi
  touch "$state/postgres.log"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$state/run" "$state/postgres.log"
  as_postgres "$bin/pg_ctl" -D "$data" -l "$state/postgres.log" -w \
    -o "-p $pg_port -c listen_addresses=127.0.0.1 -k $state/run -c max_connections=300 -c fsync=off" start >/dev/null
  echo postgres >>"$state/started"
  say "postgres: started on $pg_port (data in .stack/postgres)"
}

start_redis() {
  if listening "$redis_port"; then say "redis: already listening on $redis_port"; return; fi
  need redis-server redis-server
  mkdir -p "$state/redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no \
    --dir "$state/redis" --pidfile "$state/redis.pid" --logfile "$state/redis.log"
  wait_for "$redis_port" redis
  echo redis >>"$state/started"
  say "redis: started on $redis_port"
}

start_nats() {
  if listening "$nats_port"; then say "nats: already listening on $nats_port"; return; fi
  need nats-server nats-server
  mkdir -p "$state/nats"
  setsid nats-server -a 127.0.0.1 -p "$nats_port" -js -sd "$state/nats" -P "$state/nats.pid" \
    -l "$state/nats.log" </dev/null >/dev/null 2>&1 &
  wait_for "$nats_port" nats
  echo nats >>"$state/started"
  say "nats: started on $nats_port with JetStream (store in .stack/nats)"
}

ensure_databases() {
  need psql postgresql-client
  for db in sokoul sokoul_test; do
    if ! psql -h 127.0.0.1 -p "$pg_port" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$db'" postgres | grep -q 1; then
      psql -h 127.0.0.1 -p "$pg_port" -U postgres -qc "CREATE DATABASE $db" postgres
      say "postgres: created database $db"
    fi
  done
}

stop_pid() { # pidfile port
  [ -f "$1" ] && kill "$(cat "$1")" 2>/dev/null || true
  for _ in $(seq 1 50); do listening "$2" || return 0; sleep 0.2; done
}

stop_all() {
  [ -f "$state/started" ] || { say "nothing was started by this script"; return; }
  while read -r name; do
    case "$name" in
      postgres) as_postgres "$(pg_bin)/pg_ctl" -D "$state/postgres" -m fast stop >/dev/null || true ;;
      redis) stop_pid "$state/redis.pid" "$redis_port" ;;
      nats) stop_pid "$state/nats.pid" "$nats_port" ;;
    esac
    say "$name: stopped"
  done < <(sort -u "$state/started")
  rm -f "$state/started"
}

case "${1:-up}" in
  up)
    mkdir -p "$state"
    start_postgres
    start_redis
    start_nats
    ensure_databases
    ;;
  down) stop_all ;;
  status)
    for s in "postgres:$pg_port" "redis:$redis_port" "nats:$nats_port"; do
      if listening "${s#*:}"; then say "${s%%:*}: listening on ${s#*:}"; else say "${s%%:*}: not running"; fi
    done
    ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
