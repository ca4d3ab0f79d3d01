#!/usr/bin/env bash
# Install everything hubkiosk needs on a Debian machine with Python 3.11+:
# the Debian packages (when run as root, or with sudo), a virtual environment in .venv,
# and the project itself with its pinned dependencies. Safe to run again: it only does
# what is missing.
#
#   scripts/setup.sh          the kiosk and the central service
#   scripts/setup.sh --test   also what the tests need
set -euo pipefail
cd "$(dirname "$0")/.."

extras=""
[ "${1:-}" = "--test" ] && extras="[test]"

# Kivy's window needs OpenGL (Mesa), Xvfb gives a virtual screen, libzbar0 reads barcodes,
# cups-client sends badges to a printer, tesseract-ocr turns scanned pages the right way up.
DEB_PACKAGES="python3-venv xvfb xauth libgl1 libgl1-mesa-dri libegl1 libmtdev1 libzbar0 cups-client tesseract-ocr"
# The tests also run central against a throwaway PostgreSQL server, and print through a
# private CUPS scheduler to its PDF printer.
[ -n "$extras" ] && DEB_PACKAGES="$DEB_PACKAGES postgresql cups-daemon cups-filters ghostscript printer-driver-cups-pdf"

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

# Reinstall only when the dependencies changed.
stamp=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)${extras:+-test}"
if [ ! -f "$stamp" ]; then
    echo "Installing Python packages into .venv"
    .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
    .venv/bin/python -m pip install -q --disable-pip-version-check -e ".${extras}"
    rm -f .venv/.installed-*
    touch "$stamp"
fi
