#!/usr/bin/env bash
# Connector Portal: the one test command. Installs what is missing, builds, runs every test project,
# and ends with a line "N passed, N failed[, N skipped]". Exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
LOG_DIR="$ROOT/artifacts/test-logs"
mkdir -p "$LOG_DIR"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# 1. Browser for the end-to-end tests: Debian's Chromium (Playwright never downloads one).
if ! command -v chromium >/dev/null 2>&1; then
    echo "==> Installing Debian chromium (for the browser tests)"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# 2. Restore and build everything once (warnings are errors).
echo "==> Restoring and building"
if ! dotnet build Portal.sln --configuration Debug -nologo -v quiet -clp:ErrorsOnly > "$LOG_DIR/build.log" 2>&1; then
    cat "$LOG_DIR/build.log"
    echo "build failed"
    echo "0 passed, 1 failed"
    exit 1
fi

# 3. Run every test project (unit, component, integration, end-to-end, benchmark harness smoke).
echo "==> Running tests"
dotnet test --solution Portal.sln --no-build --configuration Debug 2>&1 | tee "$LOG_DIR/test.log"
status=${PIPESTATUS[0]}

total=$(grep -E '^\s*total: [0-9]+' "$LOG_DIR/test.log" | tail -1 | grep -oE '[0-9]+')
failed=$(grep -E '^\s*failed: [0-9]+' "$LOG_DIR/test.log" | tail -1 | grep -oE '[0-9]+')
passed=$(grep -E '^\s*succeeded: [0-9]+' "$LOG_DIR/test.log" | tail -1 | grep -oE '[0-9]+')
skipped=$(grep -E '^\s*skipped: [0-9]+' "$LOG_DIR/test.log" | tail -1 | grep -oE '[0-9]+')
: "${total:=0}" "${failed:=0}" "${passed:=0}" "${skipped:=0}"

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
    failed=1 # the runner itself failed (crash, no tests found): never report green
fi
if [ "$total" -eq 0 ]; then
    echo "no tests ran"
    failed=1
fi

echo
if [ "$skipped" -gt 0 ]; then
    echo "$passed passed, $failed failed, $skipped skipped"
else
    echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]
