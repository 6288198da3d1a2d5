#!/usr/bin/env bash
# Install the wheel in dist/ into a fresh venv outside the checkout and run tests/wheel/smoke.py
# from another folder, as a user would: `make wheel-smoke` (after `make wheel`).
set -euo pipefail
PYTHON=${1:-python3}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WHEEL=$(ls "$ROOT"/dist/*.whl)
WORK=$(mktemp -d /tmp/smskit-wheel-XXXXXX)
trap 'rm -rf "$WORK"' EXIT

"$PYTHON" -m venv "$WORK/venv"
"$WORK/venv/bin/python" -m pip install --quiet --upgrade pip
# The dashboards extra, plus the browser driver for the Start check (Debian's Chromium, never
# `playwright install`).
"$WORK/venv/bin/python" -m pip install --quiet "${WHEEL}[dashboards]" playwright
cp "$ROOT/tests/wheel/smoke.py" "$ROOT/tests/fixtures/contacts_basic.csv" "$WORK/"
cd "$WORK"
env -u PYTHONPATH SMSKIT_HOME="$WORK/home" "$WORK/venv/bin/python" smoke.py "$ROOT"
