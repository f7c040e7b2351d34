#!/usr/bin/env bash
# Browser end-to-end tests: Debian's chromium through playwright-core, fake camera and
# microphone, inside a private network namespace (scripts/netns-run.sh) so that every
# packet (HTTP, WebSocket, ICE, DTLS, SRTP) stays on this machine.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
"$ROOT/scripts/setup.sh"
"$ROOT/scripts/system-deps.sh" test
[ -x /usr/bin/chromium ] || { echo "e2e: /usr/bin/chromium missing (apt-get install chromium)" >&2; exit 1; }
if [ "${LECTERN_E2E_NO_NETNS:-0}" = 1 ]; then exec npx vitest run -c scripts/e2e/vitest.config.ts "$@"; fi
exec "$ROOT/scripts/netns-run.sh" npx vitest run -c scripts/e2e/vitest.config.ts "$@"
