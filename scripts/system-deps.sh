#!/usr/bin/env bash
# What the test suite needs from Debian, installed only when missing (one apt-get update for all of
# it); `npm ci` downloads nothing. Run by `npm test` (its pretest) and by `.ci/run`.
# - chromium: the web page's browser tests drive Debian's chromium (playwright-core downloads none);
# - fonts-wqy-microhei: a CJK font, so the zh-CN page renders (and its screenshots show) Chinese;
# - redis-server: the Redis integration tests and the fleet bench use a real server, never a mock.
set -euo pipefail
missing=()
[ -x "${MQTRACE_CHROMIUM:-/usr/bin/chromium}" ] || missing+=(chromium)
fc-list :lang=zh 2>/dev/null | grep -q . || missing+=(fonts-wqy-microhei)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ "${#missing[@]}" -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo)
else
  echo "mqtrace: the tests need ${missing[*]} (Debian packages). Install them with:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "mqtrace: the tests need ${missing[*]}, and this machine has no apt-get: install them with its package manager." >&2
  exit 1
fi
echo "mqtrace: installing ${missing[*]} with apt-get (once)" >&2
"${as_root[@]}" apt-get update
# All three by name: apt-get leaves the ones already installed as they are.
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y --no-install-recommends chromium fonts-wqy-microhei redis-server
