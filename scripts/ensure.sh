#!/usr/bin/env bash
# Runs scripts/setup.sh only when something it provides is missing, so `npm run demo` and `npm test`
# work as the first command on a fresh clone and cost nothing afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=""
command -v ffmpeg >/dev/null 2>&1 || missing="ffmpeg"
command -v chromium >/dev/null 2>&1 || [ -x /usr/lib/chromium/chromium ] || missing="$missing chromium"
fc-list 2>/dev/null | grep -ci 'DejaVu Sans' >/dev/null || missing="$missing fonts" # grep -q would stop reading: SIGPIPE under pipefail
[ -f node_modules/.package-lock.json ] && [ ! package-lock.json -nt node_modules/.package-lock.json ] || missing="$missing node_modules"
if [ -n "$missing" ]; then
  echo "ensure: missing$( [ "${missing:0:1}" = " " ] || echo ' ')$missing; running scripts/setup.sh" >&2
  bash scripts/setup.sh
fi
