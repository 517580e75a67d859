#!/usr/bin/env bash
# A private PostgreSQL cluster for developing WaiverDB.
#
# The cluster lives in .local/pg of the checkout (git-ignored), listens only on
# 127.0.0.1 (port $WAIVERDB_DEV_PG_PORT, default 5433 so that it never clashes
# with a system cluster on 5432) and trusts every local connection: it holds
# throw-away development data only.
#
# Usage: scripts/dev-postgres.sh ensure-installed|start|stop|status|uri|bindir
#
#   ensure-installed  install PostgreSQL from Debian if no initdb is found
#   start             create the cluster and the "waiverdb" database if needed,
#                     and start the server (does nothing if it already runs)
#   stop              stop the server if it runs
#   status            say whether the server runs (exit 0) or not (exit 3)
#   uri               print the database URI for DATABASE_URI
#   bindir            print the PostgreSQL bin directory, or exit 1 if none is
#                     installed (installs nothing)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
PG_BASE="$ROOT/.local/pg"
PORT="${WAIVERDB_DEV_PG_PORT:-5433}"
DB_NAME=waiverdb
DB_USER=postgres
# The settings the server needs on every start; kept in a file of its own so
# that postgresql.conf (written by initdb) is never edited twice.
DEV_CONF=waiverdb-dev.conf

# Set by find_pg_bin.
PG_BIN=""

# Where the cluster's files are: .local/pg itself, or the folder it links to.
# The server programs are given resolved paths because, running as
# "postgres", they may be unable to pass through the checkout to the link.
set_paths() {
    PG_DIR="$PG_BASE"
    if [[ -e "$PG_BASE" ]]; then
        PG_DIR="$(readlink -f "$PG_BASE")"
    fi
    DATA_DIR="$PG_DIR/data"
    RUN_DIR="$PG_DIR/run"
    LOG_DIR="$PG_DIR/log"
    LOG_FILE="$LOG_DIR/postgresql.log"
}
set_paths

say() { printf 'dev-postgres: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

if ! [[ "$PORT" =~ ^[1-9][0-9]*$ ]] || (( PORT < 1 || PORT > 65535 )); then
    die "WAIVERDB_DEV_PG_PORT must be a TCP port number, not '$PORT'"
fi

is_root() { [[ "$EUID" -eq 0 ]]; }

# Runs a PostgreSQL server program. The server refuses to run as root, so
# root runs it as the "postgres" system user made by the Debian package. The
# subshell moves to / because the caller's directory (/root, say) may be
# closed to that user, and every path given to the programs is absolute.
run_pg() {
    if is_root; then
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

# Whether a directory has the server programs this script calls.
has_pg_programs() {
    local dir="$1" prog
    for prog in initdb pg_ctl postgres psql; do
        [[ -x "$dir/$prog" ]] || return 1
    done
}

# Major version of the server programs in a bin directory ("15").
bin_major_version() {
    "$1/postgres" --version | sed -n 's/^[^0-9]*\([0-9][0-9]*\).*/\1/p'
}

# Finds the bin directory holding initdb, pg_ctl and postgres: first the
# initdb in PATH (resolved, because /usr/local/bin often holds only links to
# some of the programs), then Debian's /usr/lib/postgresql/<version>/bin,
# newest version first. An existing cluster can only be run by its own major
# version, so that version wins when it is installed.
find_pg_bin() {
    local candidates=() found dir wanted=""
    if [[ -f "$DATA_DIR/PG_VERSION" ]]; then
        wanted="$(<"$DATA_DIR/PG_VERSION")"
        candidates+=("/usr/lib/postgresql/$wanted/bin")
    fi
    if found="$(command -v initdb 2>/dev/null)"; then
        candidates+=("$(dirname "$(readlink -f "$found")")")
    fi
    while IFS= read -r dir; do
        candidates+=("$dir")
    done < <(compgen -G '/usr/lib/postgresql/*/bin' | sort -V -r)

    for dir in "${candidates[@]}"; do
        if has_pg_programs "$dir"; then
            PG_BIN="$dir"
            return 0
        fi
    done
    return 1
}

ensure_installed() {
    if ! find_pg_bin; then
        say "no initdb found in PATH or /usr/lib/postgresql/*/bin; installing PostgreSQL from Debian"
        command -v apt-get >/dev/null 2>&1 \
            || die "apt-get is not available; install PostgreSQL (initdb, pg_ctl, psql) by hand"
        local sudo=()
        if ! is_root; then
            command -v sudo >/dev/null 2>&1 \
                || die "installing PostgreSQL needs root, and sudo is not available"
            sudo=(sudo)
        fi
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
            apt-get install -y --no-install-recommends postgresql
        find_pg_bin || die "PostgreSQL was installed but initdb/pg_ctl/postgres are still not found"
    fi
    say "using PostgreSQL $(bin_major_version "$PG_BIN") from $PG_BIN"
}

# Refuses to go on when the cluster was made by another PostgreSQL major
# version: the server would only fail to start, with a less helpful message.
check_cluster_version() {
    [[ -f "$DATA_DIR/PG_VERSION" ]] || return 0
    local made_by running
    made_by="$(<"$DATA_DIR/PG_VERSION")"
    running="$(bin_major_version "$PG_BIN")"
    [[ "$made_by" == "$running" ]] \
        || die "the cluster in $DATA_DIR was made by PostgreSQL $made_by but only $running is installed; stop it and remove $PG_BASE to start afresh"
}

# Decides where .local/pg points to, the first time. When root runs the
# server as "postgres", that user must be able to reach the checkout; a
# checkout under a 0700 folder (such as /root) is closed to it, so the cluster
# then goes under /var/tmp with .local/pg a link to it. The same happens when
# the checkout path is so long that the server's socket path would exceed
# the 107 bytes the kernel allows for Unix socket names.
prepare_base() {
    if [[ -L "$PG_BASE" && ! -e "$PG_BASE" ]]; then
        # The folder under /var/tmp was cleaned away: make it again, empty.
        local target
        target="$(readlink "$PG_BASE")"
        mkdir -p "$target"
        chmod 0700 "$target"
        say "$target was gone; a new cluster is made there"
        set_paths
    fi
    if [[ -e "$PG_BASE" ]]; then
        return 0
    fi
    mkdir -p "$ROOT/.local"
    local reason=""
    local socket_path="$RUN_DIR/.s.PGSQL.$PORT"
    if (( ${#socket_path} > 107 )); then
        reason="the socket path $socket_path is too long"
    elif is_root; then
        # root's umask may have made .local closed to others; it holds only
        # generated files, so opening it for traversal is harmless.
        chmod go+x "$ROOT/.local"
        if ! (cd / && runuser -u postgres -- test -x "$ROOT/.local"); then
            reason="the 'postgres' user cannot reach $ROOT"
        fi
    fi
    if [[ -z "$reason" ]]; then
        mkdir -p "$PG_BASE"
        set_paths
        return 0
    fi
    local hash outside
    hash="$(printf '%s' "$ROOT" | sha256sum | cut -c1-10)"
    outside="/var/tmp/waiverdb-dev-$(id -u)-$hash"
    mkdir -p "$outside"
    chmod 0700 "$outside"
    ln -sfn "$outside" "$PG_BASE"
    say "$reason, so the cluster is kept in $outside ($PG_BASE links to it)"
    set_paths
}

# The server must own its files: as root they go to "postgres", as anyone
# else they must already be the caller's (a cluster made by root cannot be
# run by a plain user, and the other way round pg_ctl reports it anyway).
fix_ownership() {
    mkdir -p "$RUN_DIR" "$LOG_DIR"
    if is_root; then
        chown -R postgres:postgres "$PG_DIR"
    elif [[ -d "$DATA_DIR" && ! -O "$DATA_DIR" ]]; then
        die "$DATA_DIR belongs to another user (made as root?); run this as root or remove $PG_BASE"
    fi
}

init_cluster() {
    [[ -d "$DATA_DIR" ]] && return 0
    # C.UTF-8 sorts like C but knows every character; Debian 12's glibc has
    # it built in, older or minimal systems may not.
    local locale_opts=(--no-locale)
    if locale -a 2>/dev/null | grep -qix 'c\.utf-\?8'; then
        locale_opts=(--locale=C.UTF-8)
    fi
    # initdb works in a scratch directory that is renamed when complete, so
    # an interrupted run never leaves a half-made data directory behind that
    # would then be taken for a cluster.
    local scratch="$PG_DIR/data.new"
    rm -rf "$scratch"
    say "creating a cluster in $DATA_DIR"
    run_pg "$PG_BIN/initdb" -D "$scratch" -U "$DB_USER" \
        --auth-local=trust --auth-host=trust \
        --encoding=UTF8 "${locale_opts[@]}" >"$LOG_DIR/initdb.log" 2>&1 \
        || { cat "$LOG_DIR/initdb.log" >&2; die "initdb failed"; }
    printf "\n# Development settings, rewritten on every start.\ninclude_if_exists '%s'\n" \
        "$DEV_CONF" >>"$scratch/postgresql.conf"
    mv "$scratch" "$DATA_DIR"
}

# Listen address, port and socket directory go into a config file rather than
# on pg_ctl's -o command line, which pg_ctl hands to /bin/sh and which would
# break on a checkout path with spaces or quotes.
write_dev_conf() {
    local sockets
    # Single quotes in a PostgreSQL string are written twice.
    sockets="${RUN_DIR//\'/\'\'}"
    cat >"$DATA_DIR/$DEV_CONF" <<EOF
# Written by scripts/dev-postgres.sh start; edits are lost on the next start.
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$sockets'
EOF
    if is_root; then
        chown postgres:postgres "$DATA_DIR/$DEV_CONF"
    fi
}

is_running() {
    [[ -f "$DATA_DIR/PG_VERSION" ]] || return 1
    find_pg_bin || return 1
    run_pg "$PG_BIN/pg_ctl" status -D "$DATA_DIR" >/dev/null 2>&1
}

# The port of the running server, from the fourth line of postmaster.pid; a
# server started before WAIVERDB_DEV_PG_PORT changed keeps its old port.
current_port() {
    local port=""
    if is_running; then
        port="$(sed -n 4p "$DATA_DIR/postmaster.pid" 2>/dev/null || true)"
    fi
    printf '%s\n' "${port:-$PORT}"
}

uri() {
    printf 'postgresql://%s@127.0.0.1:%s/%s\n' "$DB_USER" "$(current_port)" "$DB_NAME"
}

# psql over TCP, as the trusted postgres role; -X skips the caller's .psqlrc.
psql_tcp() {
    local port="$1"
    shift
    PGCONNECT_TIMEOUT=10 "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 \
        -h 127.0.0.1 -p "$port" -U "$DB_USER" "$@"
}

ensure_database() {
    local port="$1" exists
    exists="$(psql_tcp "$port" -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")"
    if [[ "$exists" != 1 ]]; then
        say "creating database $DB_NAME"
        psql_tcp "$port" -d postgres -c "CREATE DATABASE $DB_NAME"
    fi
}

start() {
    ensure_installed
    if is_root && ! id -u postgres >/dev/null 2>&1; then
        die "PostgreSQL refuses to run as root and there is no 'postgres' system user to run it as; install Debian's postgresql package or run this as another user"
    fi
    if is_running; then
        local port
        port="$(current_port)"
        if [[ "$port" != "$PORT" ]]; then
            say "already running on port $port (not $PORT); stop it first to change the port"
        else
            say "already running on port $port"
        fi
        return 0
    fi
    prepare_base
    check_cluster_version
    fix_ownership
    init_cluster
    write_dev_conf
    # The log is appended to across starts; a failed start shows its tail.
    if ! run_pg "$PG_BIN/pg_ctl" start -w -t 60 -D "$DATA_DIR" -l "$LOG_FILE" >/dev/null; then
        tail -n 20 "$LOG_FILE" >&2 || true
        die "the server did not start (is port $PORT taken?); see $LOG_FILE"
    fi
    say "started on 127.0.0.1:$PORT, data in $DATA_DIR, log in $LOG_FILE"
    ensure_database "$PORT"
}

stop() {
    if ! is_running; then
        say "not running"
        return 0
    fi
    run_pg "$PG_BIN/pg_ctl" stop -w -m fast -D "$DATA_DIR" >/dev/null
    say "stopped"
}

status() {
    if is_running; then
        echo "running on 127.0.0.1:$(current_port), data in $DATA_DIR; $(uri)"
        return 0
    fi
    if [[ -d "$DATA_DIR" ]]; then
        echo "not running (cluster in $DATA_DIR)"
    else
        echo "not running (no cluster yet; '$0 start' makes one)"
    fi
    return 3
}

usage() {
    sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}" >&2
    exit 2
}

case "${1:-}" in
    ensure-installed) ensure_installed ;;
    start) start ;;
    stop) stop ;;
    status) status ;;
    uri) uri ;;
    bindir) find_pg_bin && printf '%s\n' "$PG_BIN" ;;
    *) usage ;;
esac
