#!/usr/bin/env bash
# Serves the WaiverDB API for development (what `make run` does).
#
# Usage: scripts/run-dev.sh [SERVICE ARGUMENTS...]
#   With no arguments the API is served; arguments are handed to the service,
#   so `scripts/run-dev.sh migrate` (`make migrate`) migrates the database.
#
# Environment:
#   WAIVERDB_CONFIG   settings file (default: dev/settings.json)
#   DATABASE_URI      database to use; when neither it nor the settings file
#                     names one, the private cluster of scripts/dev-postgres.sh
#                     is started, and stopped again on exit
#   WAIVERDB_LISTEN   address to serve on (default: http://127.0.0.1:5004)
set -euo pipefail

# The settings path is made absolute before leaving the caller's directory,
# since a relative WAIVERDB_CONFIG is meant relative to where it was given.
config="${WAIVERDB_CONFIG:-}"
if [[ -n "$config" && "$config" != /* ]]; then
    config="$PWD/$config"
fi

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"

say() { printf 'run-dev: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

config="${config:-$ROOT/dev/settings.json}"
[[ -f "$config" ]] || die "settings file $config not found (set WAIVERDB_CONFIG)"
export WAIVERDB_CONFIG="$config"

export WAIVERDB_LISTEN="${WAIVERDB_LISTEN:-http://127.0.0.1:5004}"

# Whether this script started the development cluster, and so must stop it.
started_db=0

# shellcheck disable=SC2317  # only ever called by the EXIT trap
cleanup() {
    # Runs once, on whichever of exit or signal comes first.
    trap - EXIT INT TERM
    if (( started_db )); then
        "$ROOT/scripts/dev-postgres.sh" stop || true
    fi
}
trap cleanup EXIT
# Exiting from the signal traps runs cleanup through the EXIT trap, with the
# status a shell reports for a death by that signal.
trap 'exit 130' INT
trap 'exit 143' TERM

# An explicit database wins over the private cluster; the settings file is only
# grepped because the service itself is what reads it.
if [[ -n "${DATABASE_URI:-}" ]]; then
    say "using DATABASE_URI from the environment"
elif grep -q '"DATABASE_URI"' "$config"; then
    say "using DATABASE_URI from $config"
else
    # A cluster already running (make db-start) is used and left running.
    if ! "$ROOT/scripts/dev-postgres.sh" status >/dev/null 2>&1; then
        started_db=1
    fi
    "$ROOT/scripts/dev-postgres.sh" start
    DATABASE_URI="$("$ROOT/scripts/dev-postgres.sh" uri)"
    export DATABASE_URI
    say "using the development cluster: $DATABASE_URI"
fi

if (( started_db )); then
    stops="Ctrl-C stops it and its database"
else
    stops="Ctrl-C stops it"
fi
if [[ "$config" == "$ROOT/dev/settings.json" ]]; then
    mode="development, dummy auth"
else
    mode="settings from $config"
fi

service_args=()
if (( $# > 0 )); then
    service_args=(-- "$@")
    say "running the service with: $* ($mode; $stops)"
else
    # ASP.NET Core takes a ';'-separated list of addresses; the first is shown.
    first_url="${WAIVERDB_LISTEN%%;*}"
    echo "WaiverDB API on ${first_url%/}/api/v1.0/ ($mode; $stops)"
fi

# Not exec: the shell has to stay to stop the cluster afterwards. The launch
# profile is skipped so that WAIVERDB_LISTEN alone decides the address.
status=0
dotnet run --project service/WaiverDb.Service.csproj -c Release --no-launch-profile \
    "${service_args[@]}" || status=$?
exit "$status"
