#!/usr/bin/env bash
# `npm run test:all`: npm test, then the browser end-to-end suites.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
"$ROOT/scripts/test.sh"
"$ROOT/scripts/e2e.sh"
