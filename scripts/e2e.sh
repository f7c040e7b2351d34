#!/usr/bin/env bash
# Browser end-to-end tests: Debian's chromium through playwright-core, fake camera and
# microphone, inside a private network namespace (scripts/netns-run.sh) so that every
# packet (HTTP, WebSocket, ICE, DTLS, SRTP) stays on this machine. Each suite runs once:
# on a fresh Postgres database of its own when DATABASE_URL is set (CI), else on PGlite
# (scripts/e2e/support.ts suiteDbKind); each logs `[e2e] <file>: database=... bus=...`.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
"$ROOT/scripts/setup.sh"
"$ROOT/scripts/system-deps.sh" test
[ -x /usr/bin/chromium ] || { echo "e2e: /usr/bin/chromium missing (apt-get install chromium)" >&2; exit 1; }
# Inside the private namespace nothing listens on 127.0.0.1:5432: suites reach Postgres
# through its unix socket instead, and start their own Redis where they need one.
if [ "${LECTERN_E2E_NO_NETNS:-0}" != 1 ] && [ -n "${DATABASE_URL:-}" ]; then
  SOCKET_DIR=${LECTERN_E2E_PG_SOCKET:-/var/run/postgresql}
  eval "$(node -e '
    const u = new URL(process.env.DATABASE_URL);
    const q = (s) => "\x27" + s.replace(/\x27/g, "") + "\x27";
    console.log(`PG_LOCAL=${["127.0.0.1", "localhost", "[::1]", ""].includes(u.hostname) ? 1 : 0}`);
    console.log(`PG_DB=${q(decodeURIComponent(u.pathname.slice(1)) || "postgres")}`);
    console.log(`PG_USER=${q(decodeURIComponent(u.username) || "postgres")}`);
    console.log(`PG_PASS=${q(decodeURIComponent(u.password))}`);
    console.log(`PG_PORT=${q(u.port || "5432")}`);
  ')"
  if [ "$PG_LOCAL" = 1 ] && [ -S "$SOCKET_DIR/.s.PGSQL.$PG_PORT" ]; then
    export DATABASE_URL="postgres:///$PG_DB" PGHOST="$SOCKET_DIR" PGUSER="$PG_USER" PGPORT="$PG_PORT"
    [ -n "$PG_PASS" ] && export PGPASSWORD="$PG_PASS"
  else
    echo "e2e: DATABASE_URL is not a local Postgres with a unix socket; it cannot be reached inside the test namespace" >&2
    exit 1
  fi
fi
# The machine's Redis is not reachable inside the namespace either: suites whose servers take
# a bus start a private one (server/src/cluster/test/testRedis.ts).
unset REDIS_URL
if [ "${LECTERN_E2E_NO_NETNS:-0}" = 1 ]; then exec npx vitest run -c scripts/e2e/vitest.config.ts "$@"; fi
exec "$ROOT/scripts/netns-run.sh" npx vitest run -c scripts/e2e/vitest.config.ts "$@"
