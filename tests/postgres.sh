#!/usr/bin/env bash
# Throwaway PostgreSQL server for the tests.
#
#   tests/postgres.sh start DIR   creates a cluster in DIR (empty or missing), starts it on 127.0.0.1 on a free
#                                 port and prints the Npgsql admin connection string as the LAST line of stdout
#                                 (everything else goes to stderr). Installs Debian's postgresql with apt when no
#                                 PostgreSQL binaries are found. Exits non-zero, with the reason, on failure.
#   tests/postgres.sh stop DIR    stops that cluster (immediate) and removes DIR. Never fails when already stopped.
#
# The cluster never runs as root: as root it runs as the "postgres" system user (DIR is chown'ed to it), otherwise
# as the current user. It listens on 127.0.0.1 only, keeps its Unix socket in DIR (never /var/run/postgresql), and
# trades durability for speed (fsync, synchronous_commit and full_page_writes off): it only lives for one test run.
# The distribution's own cluster/service is never used.
set -uo pipefail

PG_USER_NAME="portal_test"     # the superuser created by initdb (every test host creates and drops its own database)
FIRST_PORT=54329
LAST_PORT=54999
MARKER=".portal-test-postgres"  # stop only deletes directories that start created

say() { echo "postgres.sh: $*" >&2; }
die() {
    say "$*"
    if [ -n "${PG_CTL_STARTED:-}" ]; then # started but unusable: do not leave it running (DIR stays for the logs)
        as_pg "$PG_CTL_STARTED" -D "$DIR/data" -m immediate -w -t 30 -s stop >/dev/null 2>&1 || true
    fi
    if [ -n "${DIR:-}" ] && [ -s "$DIR/server.log" ]; then
        say "last lines of $DIR/server.log:"
        tail -n 30 "$DIR/server.log" >&2
    fi
    exit 1
}
usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else return 1; fi; }

# Newest /usr/lib/postgresql/<version>/bin, else the directory of the pg_ctl on PATH (symlinks resolved).
find_bindir() {
    local d
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
    done
    if command -v pg_ctl >/dev/null 2>&1; then
        d="$(dirname "$(readlink -f "$(command -v pg_ctl)")")"
        if [ -x "$d/initdb" ]; then echo "$d"; return 0; fi
        if command -v initdb >/dev/null 2>&1; then echo "$d"; return 0; fi
    fi
    return 1
}

tool() { # absolute path of a PostgreSQL program: BINDIR first, then PATH
    if [ -x "$BINDIR/$1" ]; then echo "$BINDIR/$1"; else command -v "$1"; fi
}

# Runs a command as RUN_AS (empty = the current user), from DIR so the user can always read its working directory.
as_pg() {
    if [ -z "$RUN_AS" ]; then
        (cd "$DIR" && "$@")
    elif command -v runuser >/dev/null 2>&1; then
        (cd "$DIR" && runuser -u "$RUN_AS" -- "$@")
    else
        (cd "$DIR" && su -s /bin/bash "$RUN_AS" -c "$(printf '%q ' "$@")")
    fi
}

port_in_use() {
    local p=$1
    if command -v ss >/dev/null 2>&1 && [ -n "$(ss -Htln "sport = :$p" 2>/dev/null)" ]; then return 0; fi
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && return 0
    return 1
}

absolute_dir() { # DIR as an absolute path (it may not exist yet)
    case "$1" in
        /*) echo "$1" ;;
        *) echo "$(pwd)/$1" ;;
    esac
}

cmd_start() {
    [ -e "$DIR" ] && [ ! -d "$DIR" ] && die "$DIR exists and is not a directory"
    if [ -d "$DIR" ] && [ -n "$(ls -A "$DIR" 2>/dev/null)" ]; then die "$DIR is not empty"; fi
    case "$DIR" in *"'"*|*" "*) die "DIR must not contain quotes or spaces: $DIR" ;; esac
    # Unix socket paths are limited to 107 bytes: DIR/.s.PGSQL.NNNNN must fit.
    [ "${#DIR}" -le 85 ] || die "DIR path is too long for a Unix socket directory: $DIR"
    mkdir -p "$DIR" || die "cannot create $DIR"
    touch "$DIR/$MARKER" || die "cannot write to $DIR"

    # 1. Binaries: Debian's packages, installed on demand.
    if ! BINDIR="$(find_bindir)"; then
        say "no PostgreSQL binaries found: installing Debian's postgresql package"
        export DEBIAN_FRONTEND=noninteractive
        as_root apt-get update -qq >&2 || die "apt-get update failed (need root or sudo)"
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2 \
            || die "apt-get install postgresql failed"
        BINDIR="$(find_bindir)" || die "postgresql installed but no initdb/pg_ctl found under /usr/lib/postgresql/*/bin"
    fi
    local initdb pg_ctl pg_isready psql version
    initdb="$(tool initdb)" || die "initdb not found next to $BINDIR/pg_ctl"
    pg_ctl="$(tool pg_ctl)" || die "pg_ctl not found"
    pg_isready="$(tool pg_isready)" || pg_isready=""
    psql="$(tool psql)" || psql=""
    version="$("$pg_ctl" --version 2>/dev/null)"
    say "using $version ($BINDIR)"

    # 2. Who owns the cluster: never root.
    RUN_AS=""
    if [ "$(id -u)" -eq 0 ]; then
        if id postgres >/dev/null 2>&1; then RUN_AS=postgres
        elif id nobody >/dev/null 2>&1; then RUN_AS=nobody; say "no 'postgres' user: running the cluster as 'nobody'"
        else die "running as root and neither a 'postgres' nor a 'nobody' user exists"
        fi
        chown -R "$RUN_AS:" "$DIR" || die "cannot chown $DIR to $RUN_AS"
        chmod 700 "$DIR"
        as_pg test -w "$DIR" \
            || die "user $RUN_AS cannot write to $DIR (is a parent directory closed to it? use a folder under /tmp)"
    fi

    # 3. initdb: password (scram-sha-256) for every connection, UTF-8.
    local password locale
    password="$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    [ -n "$password" ] || die "cannot generate a password"
    (umask 077 && printf '%s\n' "$password" > "$DIR/pwfile") || die "cannot write the password file"
    [ -n "$RUN_AS" ] && chown "$RUN_AS:" "$DIR/pwfile"
    locale=C
    if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then locale=C.UTF-8; fi
    if ! as_pg "$initdb" -D "$DIR/data" -U "$PG_USER_NAME" --pwfile="$DIR/pwfile" --auth=scram-sha-256 \
            --encoding=UTF8 --locale="$locale" --no-sync > "$DIR/initdb.log" 2>&1; then
        rm -f "$DIR/pwfile"
        cat "$DIR/initdb.log" >&2
        die "initdb failed"
    fi
    rm -f "$DIR/pwfile"

    cat >> "$DIR/data/postgresql.conf" <<EOF

# --- throwaway test server (tests/postgres.sh) ---
listen_addresses = '127.0.0.1'
port = $FIRST_PORT
unix_socket_directories = '$DIR'
max_connections = 300
fsync = off
synchronous_commit = off
full_page_writes = off
EOF

    # 4. Start on a free port. Two runs can pick the same port at the same moment: the loser cannot bind and
    #    tries the next one.
    local port=$FIRST_PORT started=0
    : > "$DIR/server.log"
    [ -n "$RUN_AS" ] && chown "$RUN_AS:" "$DIR/server.log"
    while [ "$port" -le "$LAST_PORT" ]; do
        if port_in_use "$port"; then port=$((port + 1)); continue; fi
        as_pg sed -i "s/^port = [0-9]*$/port = $port/" "$DIR/data/postgresql.conf" || die "cannot set the port"
        : > "$DIR/server.log"
        if as_pg "$pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 -s start > "$DIR/pg_ctl.log" 2>&1; then
            started=1
            PG_CTL_STARTED="$pg_ctl"
            break
        fi
        if grep -qiE 'could not bind|address already in use|could not create any TCP/IP sockets' "$DIR/server.log"; then
            say "port $port was taken meanwhile, trying the next one"
            port=$((port + 1))
            continue
        fi
        cat "$DIR/pg_ctl.log" >&2
        die "pg_ctl start failed"
    done
    [ "$started" -eq 1 ] || die "no free port between $FIRST_PORT and $LAST_PORT"

    # 5. Ready for TCP connections with the password?
    local i ready=0
    for i in $(seq 1 60); do
        if [ -z "$pg_isready" ] || "$pg_isready" -q -h 127.0.0.1 -p "$port" -t 2 >/dev/null 2>&1; then ready=1; break; fi
        sleep 0.5
    done
    [ "$ready" -eq 1 ] || die "server started but not accepting connections on 127.0.0.1:$port"
    if [ -n "$psql" ]; then
        PGPASSWORD="$password" PGCONNECT_TIMEOUT=10 "$psql" -X -w -At -h 127.0.0.1 -p "$port" -U "$PG_USER_NAME" \
            -d postgres -c 'select 1' >/dev/null 2>"$DIR/psql-check.log" \
            || { cat "$DIR/psql-check.log" >&2; die "cannot log in as $PG_USER_NAME on 127.0.0.1:$port"; }
    fi

    local connection="Host=127.0.0.1;Port=$port;Username=$PG_USER_NAME;Password=$password;Database=postgres"
    (umask 077 && printf '%s\n' "$connection" > "$DIR/connection-string")
    echo "$port" > "$DIR/port"
    say "PostgreSQL ready on 127.0.0.1:$port (data in $DIR/data, log in $DIR/server.log)"
    echo "$connection"
}

cmd_stop() {
    [ -d "$DIR" ] || exit 0
    local data="$DIR/data" pid=""
    if [ -f "$data/postmaster.pid" ]; then
        pid="$(head -n 1 "$data/postmaster.pid" 2>/dev/null)"
        RUN_AS=""
        local owner
        owner="$(stat -c %U "$data" 2>/dev/null)"
        if [ "$(id -u)" -eq 0 ] && [ -n "$owner" ] && [ "$owner" != root ]; then RUN_AS="$owner"; fi
        if BINDIR="$(find_bindir)"; then
            as_pg "$BINDIR/pg_ctl" -D "$data" -m immediate -w -t 30 -s stop >/dev/null 2>&1 || true
        fi
        # pg_ctl missing or failed: kill the postmaster directly (its children exit when it dies).
        if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null \
            && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$data"; then
            kill -QUIT "$pid" 2>/dev/null
            local i
            for i in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
            kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    if [ -e "$DIR/$MARKER" ]; then
        rm -rf "$DIR" 2>/dev/null || say "could not remove $DIR"
    elif [ -z "$(ls -A "$DIR" 2>/dev/null)" ]; then
        rmdir "$DIR" 2>/dev/null || true
    else
        say "$DIR was not created by '$0 start': left in place"
    fi
    exit 0
}

[ $# -eq 2 ] || usage
[ -n "$2" ] || usage
DIR="$(absolute_dir "$2")"
DIR="${DIR%/}"
[ -n "$DIR" ] && [ "$DIR" != "/" ] || usage
RUN_AS=""
BINDIR=""
PG_CTL_STARTED=""
case "$1" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    *) usage ;;
esac
