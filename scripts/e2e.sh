#!/usr/bin/env bash
# Browser end-to-end tests: Debian's chromium through playwright-core, fake camera and
# microphone. They run in a private network namespace with only a loopback interface,
# so every packet (HTTP, WebSocket, ICE, DTLS, SRTP) stays on 127.0.0.1.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
"$ROOT/scripts/setup.sh"
"$ROOT/scripts/system-deps.sh" test
[ -x /usr/bin/chromium ] || { echo "e2e: /usr/bin/chromium missing (apt-get install chromium)" >&2; exit 1; }
run() { npx vitest run -c scripts/e2e/vitest.config.ts "$@"; }
if [ "${LECTERN_E2E_NO_NETNS:-0}" = 1 ]; then run "$@"; exit; fi
if [ "$(id -u)" = 0 ]; then NS=(unshare -n); else NS=(unshare -rn); fi
export -f run 2>/dev/null || true
exec "${NS[@]}" bash -c 'ip link set lo up 2>/dev/null || ip link set dev lo up; cd "$0"; npx vitest run -c scripts/e2e/vitest.config.ts "$@"' "$ROOT" "$@"
