#!/usr/bin/env bash
# Set up everything the tests need, then run the whole suite on a virtual screen, with a
# throwaway PostgreSQL server for central's PostgreSQL test.
# Extra arguments go to pytest, e.g. scripts/test.sh -k idle
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
export KIVY_NO_ARGS=1 KIVY_NO_CONSOLELOG=1 KIVY_NO_FILELOG=1

pgdir=$(mktemp -d /tmp/hubkiosk-pg.XXXXXX)
if url=$(scripts/pg_test_server.sh start "$pgdir" 2>/dev/null); then
    export HUBKIOSK_TEST_POSTGRES_URL="$url"
    trap 'scripts/pg_test_server.sh stop "$pgdir"' EXIT
else
    echo "No PostgreSQL server could be started: its test will be skipped."
    rm -rf "$pgdir"
fi
xvfb-run -a -s "-screen 0 1280x800x24 +extension GLX" .venv/bin/python -m pytest --durations=25 "$@"
