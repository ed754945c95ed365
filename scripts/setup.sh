#!/usr/bin/env bash
# One-time set-up of a fresh machine: system packages the demo and tests use (only those missing),
# then the npm dependencies. Safe to re-run. Called by `npm run setup` and .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
command -v chromium >/dev/null 2>&1 || [ -x /usr/lib/chromium/chromium ] || need+=(chromium)
# grep reads to the end (no -q): under pipefail an early exit would SIGPIPE fc-list and ask apt for nothing new.
fc-list 2>/dev/null | grep -i 'DejaVu Sans' >/dev/null || need+=(fonts-dejavu-core)
# Burned-in captions in Chinese, Japanese and Korean need a CJK font; Arabic and Hebrew need one with their letters.
[ -n "$(fc-list :lang=zh-cn 2>/dev/null)" ] || need+=(fonts-noto-cjk)
[ -n "$(fc-list :lang=ar 2>/dev/null)" ] || need+=(fonts-noto-core)
# Postgres and Redis for the hosted app (`npm run hosted`) and its tests. Installing does not start them
# where there is no systemd: `npm run hosted` says how, and .ci/run starts them.
compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null || need+=(postgresql)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]} with apt-get" >&2
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  if [[ " ${need[*]} " == *" postgresql "* ]]; then
    # Debian's new cluster asks for a password on 127.0.0.1; the hosted app's default DATABASE_URL has none.
    echo "setup: Postgres installed. Give it a password and say so in DATABASE_URL, e.g." >&2
    echo "  ${sudo:+$sudo }su postgres -c \"psql -c \\\"alter user postgres password 'dev'\\\"\"" >&2
    echo "  export DATABASE_URL=postgres://postgres:dev@127.0.0.1:5432/showrunner" >&2
  fi
fi

# onnxruntime-node (under kokoro-js) would try to download CUDA from GitHub on install.
export ONNXRUNTIME_NODE_INSTALL_CUDA=skip
npm ci --no-audit --no-fund
