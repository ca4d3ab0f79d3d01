#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests: scripts/pg_test_server.sh start|stop DIR
# Prints the SQLAlchemy URL on start. Needs Debian's postgresql package (scripts/setup.sh --test).
set -euo pipefail
action="$1"; dir="$2"
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bin" ] || { echo "PostgreSQL is not installed" >&2; exit 1; }
as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
case "$action" in
start)
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    as_pg "'$bin/initdb' -D '$dir/data' --auth=trust -U postgres -E UTF8 >/dev/null"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_pg "'$bin/pg_ctl' -D '$dir/data' -l '$dir/log' -w -o \"-k '$dir' -p $port -h 127.0.0.1\" start >/dev/null"
    as_pg "'$bin/createdb' -h 127.0.0.1 -p $port -U postgres hubkiosk_test"
    echo "postgresql+psycopg://postgres@127.0.0.1:$port/hubkiosk_test"
    ;;
stop)
    as_pg "'$bin/pg_ctl' -D '$dir/data' -m immediate stop >/dev/null" || true
    rm -rf "$dir"
    ;;
esac
