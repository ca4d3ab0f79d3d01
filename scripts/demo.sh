#!/usr/bin/env bash
# Set up everything, start a local central service with demo data, enrol the demo kiosk
# with it (first time only), then open the kiosk. Closing the kiosk stops central too.
# Staff PIN for the demo: 1357.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
PY=.venv/bin/python
PORT="${HUBKIOSK_DEMO_PORT:-8765}"
mkdir -p var/demo/central var/demo/kiosk
# The demo council as its residents' pages name it (01632 960xxx: Ofcom's numbers for drama).
export HUBKIOSK_COUNCIL_NAME="${HUBKIOSK_COUNCIL_NAME:-Riverside Borough Council}"
export HUBKIOSK_COUNCIL_PHONE="${HUBKIOSK_COUNCIL_PHONE:-01632 960 000}"

"$PY" -m central serve --host 127.0.0.1 --port "$PORT" --data var/demo/central > var/demo/central.log 2>&1 &
central_pid=$!
trap 'kill "$central_pid" 2>/dev/null || true' EXIT
"$PY" - "$PORT" <<'PYEOF'
import sys, time, urllib.request
url = f"http://127.0.0.1:{sys.argv[1]}/healthz"
for _ in range(200):
    try:
        urllib.request.urlopen(url, timeout=1)
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit("The local central service did not start: see var/demo/central.log")
PYEOF

SITE="Riverside Central Library"
if [ ! -f var/demo/kiosk/device.json ]; then
    code=$("$PY" -m central enrol-code --site "$SITE" --data var/demo/central | awk '{print $NF}')
    "$PY" -m provisioning enrol --server "http://127.0.0.1:$PORT" --code "$code" --data var/demo/kiosk --name demo-kiosk
fi

# Today's demo data: a staff directory, four invitations and a dozen appointments; the
# demo town's street gazetteer and the report categories (tracking pages on this port).
HUBKIOSK_PUBLIC_URL="http://127.0.0.1:$PORT" "$PY" -m central demo-data --site "$SITE" --data var/demo/central --public-url "http://127.0.0.1:$PORT" \
    | tee var/demo/today.txt
# A stand-in camera (var/demo/camera.avi, made here, not kept in git): a council letter
# brought up to the camera (its QR code holds a Council Tax reference), the first
# invitation's QR code, then an ID card, looped. Set [camera] source = "device:0" in the
# config to use a real webcam.
invite=$(awk 'NR==2 {print $1}' var/demo/today.txt)
"$PY" - "$invite" <<'PYEOF'
import sys
from pathlib import Path
from scanner.samples import demo_video
demo_video(Path("var/demo/camera.avi"), sys.argv[1])
PYEOF

args=(-m kiosk --config assets/demo/kiosk.toml --data var/demo/kiosk "$@")
if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
    "$PY" "${args[@]}"
else
    echo "No screen found: running on a virtual screen (Xvfb). Use a desktop session to see the kiosk."
    xvfb-run -a -s "-screen 0 1280x800x24 +extension GLX" "$PY" "${args[@]}"
fi
