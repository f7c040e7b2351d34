#!/usr/bin/env bash
# `npm test`: every suite that needs no browser, on PGlite and the in-memory bus, plus
# the Postgres and Redis suites when DATABASE_URL / REDIS_URL are set.
set -euo pipefail
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
ROOT=$(cd "$(dirname "$0")/.." && pwd)
"$ROOT/scripts/setup.sh"
cd "$ROOT"
"$ROOT/scripts/system-deps.sh" test
npx turbo run typecheck lint --output-logs=errors-only
npx tsc -p scripts/tsconfig.json   # the browser suites and benchmarks
npx turbo run test --concurrency=1
npx vitest run -c deploy/vitest.config.ts
