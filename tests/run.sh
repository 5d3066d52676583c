#!/usr/bin/env bash
# Connector Portal: the one test command. Installs what is missing, builds, starts a throwaway PostgreSQL server,
# runs every test project, then the integration suite again on PostgreSQL, and ends with a line
# "N passed, N failed[, N skipped]" (both passes summed). Exits non-zero on any failure.
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

# 1b. The test OpenID provider for the single sign-on tests (npm package oidc-provider, run by node). No node: fail
#     clearly here rather than let those tests skip.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "node and npm are required (the single sign-on tests run a real OpenID provider): install Debian's nodejs and npm"
    echo "0 passed, 1 failed"
    exit 1
fi
if [ ! -d tests/oidc-provider/node_modules/oidc-provider ]; then
    echo "==> Installing the test OpenID provider (npm ci in tests/oidc-provider)"
    if ! (cd tests/oidc-provider && npm ci --silent --no-audit --no-fund > "$LOG_DIR/npm-ci.log" 2>&1); then
        cat "$LOG_DIR/npm-ci.log"
        echo "npm ci failed in tests/oidc-provider"
        echo "0 passed, 1 failed"
        exit 1
    fi
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

# 3. A throwaway PostgreSQL server (tests/postgres.sh), stopped and deleted on exit, failure or Ctrl-C.
#    PORTAL_TEST_POSTGRES: admin connection string for the multi-instance tests and the PostgreSQL pass.
PG_DIR=""
PASS_PID=""
stop_pass() { # the running test pass has its own process group: end all of it (dotnet test, test hosts, browsers)
    if [ -n "$PASS_PID" ] && kill -0 "$PASS_PID" 2>/dev/null; then
        kill -TERM -- "-$PASS_PID" 2>/dev/null
        local i
        for i in $(seq 1 20); do kill -0 "$PASS_PID" 2>/dev/null || break; sleep 0.5; done
        kill -KILL -- "-$PASS_PID" 2>/dev/null
    fi
    PASS_PID=""
}
cleanup() {
    stop_pass
    if [ -n "$PG_DIR" ]; then
        [ -f "$PG_DIR/server.log" ] && cp "$PG_DIR/server.log" "$LOG_DIR/postgres-server.log" 2>/dev/null
        bash "$ROOT/tests/postgres.sh" stop "$PG_DIR" || true
        PG_DIR=""
    fi
}
on_signal() {
    trap - INT TERM HUP
    echo
    echo "interrupted: stopping the tests and the PostgreSQL server" >&2
    exit "$1" # runs cleanup (EXIT trap)
}
trap cleanup EXIT
trap 'on_signal 130' INT
trap 'on_signal 143' TERM
trap 'on_signal 129' HUP

echo "==> Starting a throwaway PostgreSQL server"
pg_failed=0
rm -f "$LOG_DIR/postgres-server.log"
if ! PG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/portal-pg.XXXXXX")"; then
    PG_DIR=""
    echo "PostgreSQL not started: cannot create a temporary folder"
    pg_failed=1
elif pg_out="$(bash "$ROOT/tests/postgres.sh" start "$PG_DIR")" && [ -n "$pg_out" ]; then
    PORTAL_TEST_POSTGRES="$(printf '%s\n' "$pg_out" | tail -n 1)"
    export PORTAL_TEST_POSTGRES
else
    echo "PostgreSQL could not be started (see the messages above): the multi-instance tests will skip and the"
    echo "integration tests on PostgreSQL will not run; counted as 1 failure"
    unset PORTAL_TEST_POSTGRES
    pg_failed=1
fi

# One test pass: "dotnet test ..." shown on the console and written to LOG. Runs in its own process group (in the
# background, so that a signal reaches the traps at once instead of after the tests) and returns dotnet's exit code.
run_pass() {
    local log="$1"
    shift
    set -m
    ( "$@" < /dev/null 2>&1 | tee "$log"; exit "${PIPESTATUS[0]}" ) &
    PASS_PID=$!
    set +m
    wait "$PASS_PID"
    local rc=$?
    PASS_PID=""
    return "$rc"
}

# The Microsoft.Testing.Platform summary of one log (the last "total:/failed:/succeeded:/skipped:" lines; a
# solution run prints one combined summary at the end). Adds it to the totals; a runner failure or a pass that ran
# no tests counts as a failure.
total_passed=0
total_failed=0
total_skipped=0
any_status=0
count_pass() { # NAME LOG STATUS
    local name="$1" log="$2" status="$3" total failed passed skipped
    total=$(grep -E '^\s*total: [0-9]+' "$log" 2>/dev/null | tail -1 | grep -oE '[0-9]+')
    failed=$(grep -E '^\s*failed: [0-9]+' "$log" 2>/dev/null | tail -1 | grep -oE '[0-9]+')
    passed=$(grep -E '^\s*succeeded: [0-9]+' "$log" 2>/dev/null | tail -1 | grep -oE '[0-9]+')
    skipped=$(grep -E '^\s*skipped: [0-9]+' "$log" 2>/dev/null | tail -1 | grep -oE '[0-9]+')
    : "${total:=0}" "${failed:=0}" "${passed:=0}" "${skipped:=0}"
    if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
        failed=1 # the runner itself failed (crash, no tests found): never report green
    fi
    if [ "$total" -eq 0 ]; then
        echo "$name: no tests ran"
        failed=1
    fi
    [ "$status" -ne 0 ] && any_status=1
    echo "$name: $passed passed, $failed failed, $skipped skipped (exit code $status)"
    total_passed=$((total_passed + passed))
    total_failed=$((total_failed + failed))
    total_skipped=$((total_skipped + skipped))
}

# 4. Pass 1: every test project (unit, component, integration on SQLite, multi-instance on PostgreSQL, end-to-end,
#    benchmark harness smoke).
echo "==> Running tests"
run_pass "$LOG_DIR/test.log" dotnet test --solution Portal.sln --no-build --configuration Debug
status1=$?

# 5. Pass 2: the integration suite with the portal on PostgreSQL (the multi-instance tests already ran on it in pass 1).
rm -f "$LOG_DIR/test-postgres.log"
if [ "$pg_failed" -eq 0 ]; then
    echo
    echo "==> Integration tests on PostgreSQL"
    run_pass "$LOG_DIR/test-postgres.log" env PORTAL_TEST_DATABASE=Postgres \
        dotnet test --project tests/Portal.IntegrationTests/Portal.IntegrationTests.csproj --no-build --configuration Debug \
        -- --filter-not-class "Portal.IntegrationTests.Features.Cluster.MultiInstanceTests"
    status2=$?
fi

cleanup # stop the server now: nothing is printed after the totals line

echo
count_pass "whole solution" "$LOG_DIR/test.log" "$status1"
if [ "$pg_failed" -eq 0 ]; then
    count_pass "integration tests on PostgreSQL" "$LOG_DIR/test-postgres.log" "$status2"
else
    echo "integration tests on PostgreSQL: not run, PostgreSQL could not be started (1 failure)"
    total_failed=$((total_failed + 1))
fi

echo
if [ "$total_skipped" -gt 0 ]; then
    echo "$total_passed passed, $total_failed failed, $total_skipped skipped"
else
    echo "$total_passed passed, $total_failed failed"
fi
[ "$total_failed" -eq 0 ] && [ "$any_status" -eq 0 ]
