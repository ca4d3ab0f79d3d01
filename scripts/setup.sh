#!/usr/bin/env bash
# Install everything hubkiosk needs on a Debian machine with Python 3.11+:
# the Debian packages (when run as root, or with sudo), a virtual environment in .venv,
# and the project itself with its pinned dependencies. Safe to run again, in any order
# with --test: it only does what is missing (offline too, once everything is there).
#
#   scripts/setup.sh          the kiosk and the central service (the demo)
#   scripts/setup.sh --test   also what the tests need
#
# A server that runs only central installs `pip install ".[central]"`, a kiosk
# `pip install ".[kiosk]"`: see docs/operations.md.
set -euo pipefail
cd "$(dirname "$0")/.."

extras="kiosk,central"
test=""
[ "${1:-}" = "--test" ] && test=1 && extras="kiosk,central,test"

# Kivy's window needs OpenGL (Mesa), Xvfb gives a virtual screen, libzbar0 reads barcodes,
# cups-client sends badges to a printer, tesseract-ocr turns scanned pages the right way up.
DEB_PACKAGES="python3-venv xvfb xauth libgl1 libgl1-mesa-dri libegl1 libmtdev1 libzbar0 cups-client tesseract-ocr"
# npm installs the staff console's design system (GOV.UK Frontend, pinned in package-lock.json):
# Debian's nodejs and npm, unless a Node.js with npm is there already.
command -v npm >/dev/null || DEB_PACKAGES="$DEB_PACKAGES nodejs npm"
# The tests also run central against a throwaway PostgreSQL server, and print through a
# private CUPS scheduler to its PDF printer.
# Central's pages are tested in Debian's own Chromium (driven by Playwright, which then
# downloads no browser of its own).
[ -n "$test" ] && DEB_PACKAGES="$DEB_PACKAGES postgresql cups-daemon cups-filters ghostscript printer-driver-cups-pdf chromium"

missing=()
for pkg in $DEB_PACKAGES; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then apt=(apt-get); elif command -v sudo >/dev/null; then apt=(sudo apt-get); else apt=(); fi
    if [ ${#apt[@]} -gt 0 ] && command -v apt-get >/dev/null; then
        echo "Installing Debian packages: ${missing[*]}"
        "${apt[@]}" update -qq
        DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        echo "Please install these Debian packages first: ${missing[*]}" >&2
        exit 1
    fi
fi

PYTHON="${PYTHON:-python3}"
"$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || {
    echo "hubkiosk needs Python 3.11 or newer ($PYTHON is $("$PYTHON" --version 2>&1))." >&2
    exit 1
}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv

# Reinstall only when the dependencies changed. A test install is a superset of the plain
# one, so either stamp satisfies the plain set-up: the demo after the tests (or the tests
# after the demo, when the test stamp is already there) installs nothing.
hash="$(sha256sum pyproject.toml | cut -c1-16)"
if [ -n "$test" ]; then
    wanted=(".venv/.installed-$hash-test")
else
    wanted=(".venv/.installed-$hash-test" ".venv/.installed-$hash")
fi
installed=""
for stamp in "${wanted[@]}"; do [ -f "$stamp" ] && installed=1; done
if [ -z "$installed" ]; then
    echo "Installing Python packages into .venv"
    .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
    .venv/bin/python -m pip install -q --disable-pip-version-check -e ".[${extras}]"
    rm -f .venv/.installed-*
    touch ".venv/.installed-$hash${test:+-test}"
fi

# The staff console's CSS, JavaScript and fonts: GOV.UK Frontend from npm, as locked.
lock="$(sha256sum package-lock.json | cut -c1-16)"
if [ ! -f "node_modules/.installed-$lock" ]; then
    echo "Installing the console's GOV.UK Frontend (npm)"
    npm ci --no-audit --no-fund --silent >/dev/null
    touch "node_modules/.installed-$lock"
fi
