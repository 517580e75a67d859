#!/usr/bin/env bash
# The benchmark behind docs/benchmarks.md: `make bench` (see bench/README.md).
#
# Seeds a private PostgreSQL with 10,000 and 1,000,000 waivers (bench/seed.sql), starts
# the Release build of the service on 127.0.0.1 against each, drives it with wrk over
# keep-alive connections (bench/wrk/*.lua) and runs the very SQL of each request with
# pgbench at the same concurrency (bench/pgbench/*.sed turn the service's statements
# into pgbench scripts), then writes the report with the machine, the plans and the
# targets met or missed.
#
# Environment: BENCH_SIZES ("10000 1000000"), BENCH_ROUNDS (3), BENCH_DURATION (seconds per run, 10),
# BENCH_CONNECTIONS (8), BENCH_POOL_SIZE (the service's DATABASE_POOL_SIZE: the CPUs
# the database has, here `nproc`), BENCH_SWEEP_CONNECTIONS ("1 2 4 8 16"),
# BENCH_SWEEP_DURATION (10), BENCH_REPORT (docs/benchmarks.md).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
BENCH="$ROOT/bench"
SIZES="${BENCH_SIZES:-10000 1000000}"
DURATION="${BENCH_DURATION:-10}"
# Each scenario runs this many times at every size in turn, and the median of each figure
# is kept: this shared machine's speed drifts by 20-30% over minutes, which would pass for
# a difference between sizes measured one after the other.
ROUNDS="${BENCH_ROUNDS:-3}"
CONNECTIONS="${BENCH_CONNECTIONS:-8}"
# PostgreSQL runs on this machine's CPUs, so it can run this many queries at once; more
# connections only make them take turns in the kernel's scheduler (see bench/analysis.md).
POOL_SIZE="${BENCH_POOL_SIZE:-$(nproc)}"
# The service's default, which the sweep compares with.
DEFAULT_POOL_SIZE=20
SWEEP_VARIANTS="pool$POOL_SIZE"
[[ "$POOL_SIZE" == "$DEFAULT_POOL_SIZE" ]] || SWEEP_VARIANTS+=" pool$DEFAULT_POOL_SIZE"
SWEEP_VARIANTS+=" pool$POOL_SIZE-servergc"
THREADS=2
WARMUP="${BENCH_WARMUP:-5}"
SWEEP_CONNECTIONS="${BENCH_SWEEP_CONNECTIONS:-1 2 4 8 16}"
SWEEP_DURATION="${BENCH_SWEEP_DURATION:-10}"
SWEEP_WARMUP="${BENCH_SWEEP_WARMUP:-25}"
# Seconds of each scenario, not counted, after the service starts: a fresh process keeps
# compiling its hot paths (tiered JIT) for tens of seconds under load.
SERVICE_WARMUP="${BENCH_SERVICE_WARMUP:-8}"
REPORT="${BENCH_REPORT:-$ROOT/docs/benchmarks.md}"
SCENARIOS="filtered20 filtered200 list start create"
# Everything generated: the cluster, the build, logs and results. Under /var/tmp so
# that the "postgres" user can reach it when root runs the benchmark.
WORK="/var/tmp/waiverdb-bench-$(id -u)-$(printf '%s' "$ROOT" | sha256sum | cut -c1-10)"

say() { printf 'bench: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }
is_root() { [[ "$EUID" -eq 0 ]]; }
as_pg() { if is_root; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi; }

ensure_tools() {
    "$ROOT/scripts/dev-postgres.sh" ensure-installed
    PG_BIN="$("$ROOT/scripts/dev-postgres.sh" bindir)"
    local missing=()
    command -v wrk >/dev/null || missing+=(wrk)
    command -v pgbench >/dev/null || missing+=(postgresql-client)
    command -v curl >/dev/null || missing+=(curl)
    command -v python3 >/dev/null || missing+=(python3)
    if (( ${#missing[@]} > 0 )); then
        say "installing ${missing[*]} from Debian"
        local sudo=()
        is_root || sudo=(sudo)
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
    fi
}

free_port() {
    local port
    for port in $(seq "$1" $(($1 + 200))); do
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    die "no free port from $1"
}

SERVICE_PID=""
STARTED_PIDS=()
STALLWATCH_PID=""
# Extra environment for the service (the sweep's garbage collector choice).
SERVICE_ENV=()
cleanup() {
    local pid
    [[ -z "$STALLWATCH_PID" ]] || kill "$STALLWATCH_PID" 2>/dev/null || true
    for pid in "${STARTED_PIDS[@]}"; do
        if kill -0 "$pid" 2>/dev/null; then
            kill "$pid" && wait "$pid" 2>/dev/null || true
        fi
    done
    if [[ -f "$WORK/data/postmaster.pid" ]]; then
        as_pg "$PG_BIN/pg_ctl" stop -w -m fast -D "$WORK/data" >/dev/null 2>&1 || true
    fi
}

# A throwaway cluster, made afresh on every run so no earlier run's data or
# statistics leak in; it trusts local connections and listens on loopback only.
start_postgres() {
    as_pg "$PG_BIN/pg_ctl" stop -w -m fast -D "$WORK/data" >/dev/null 2>&1 || true
    rm -rf "$WORK"
    mkdir -p "$WORK/results"
    is_root && chown postgres:postgres "$WORK"
    as_pg "$PG_BIN/initdb" -D "$WORK/data" -U postgres --auth-local=trust --auth-host=trust \
        --encoding=UTF8 --no-locale >"$WORK/initdb.log" 2>&1 || { cat "$WORK/initdb.log" >&2; die "initdb failed"; }
    PG_PORT="$(free_port 55432)"
    cat >>"$WORK/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$WORK'
shared_buffers = 512MB
max_connections = 100
# As production should run: each insert touches pages spread over the waiver and current
# tables' key indexes, and the first touch after a checkpoint writes the whole page to
# the WAL. At 1,000,000 waivers that is about one full page per insert (6.8 KB of WAL per
# insert against 1.8 KB at 10,000); lz4 halves it. See bench/analysis.md.
wal_compression = lz4
# For the report's stalls: which statements were slow, and whether one waited for a lock.
log_min_duration_statement = 250
log_lock_waits = on
EOF
    as_pg "$PG_BIN/pg_ctl" start -w -t 60 -D "$WORK/data" -l "$WORK/postgresql.log" >/dev/null \
        || { tail -n 20 "$WORK/postgresql.log" >&2; die "PostgreSQL did not start"; }
    say "PostgreSQL $(bin_version) on 127.0.0.1:$PG_PORT, data in $WORK/data"
}

bin_version() { "$PG_BIN/postgres" --version | awk '{ print $3 }'; }

# The service's sessions run with JIT off (service/Database/ConnectionDefaults.cs):
# the floor runs with the same settings.
export PGOPTIONS="-c jit=off"
psql_db() { "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres "$@"; }

build_service() {
    # As the Containerfile publishes it (ReadyToRun), and plainly for comparison.
    say "publishing the service (Release, ReadyToRun)"
    local rid
    rid="linux-$([[ "$(uname -m)" == aarch64 ]] && echo arm64 || echo x64)"
    dotnet publish "$ROOT/service/WaiverDb.Service.csproj" -c Release -o "$WORK/publish-r2r" \
        -r "$rid" --self-contained false -p:PublishReadyToRun=true -p:UseAppHost=false \
        >"$WORK/publish-r2r.log" 2>&1 || { tail -n 30 "$WORK/publish-r2r.log" >&2; die "publish failed"; }
    say "publishing the service (Release, without ReadyToRun)"
    dotnet publish "$ROOT/service/WaiverDb.Service.csproj" -c Release -o "$WORK/publish" \
        -p:UseAppHost=false >"$WORK/publish.log" 2>&1 || { tail -n 30 "$WORK/publish.log" >&2; die "publish failed"; }
    local pool
    for pool in "$POOL_SIZE" "$DEFAULT_POOL_SIZE"; do
        cat >"$WORK/settings-pool$pool.json" <<EOF
{
  "DEVELOPMENT": true,
  "AUTH_METHODS": ["dummy"],
  "SUPERUSERS": [],
  "PERMISSIONS": [],
  "PERMISSION_MAPPING": {},
  "RESULTSDB_API_URL": "http://127.0.0.1:9/api/v2.0",
  "DATABASE_POOL_SIZE": $pool
}
EOF
    done
}

# Start-up is timed from the launch to the first 200 of /healthcheck (which asks the
# database), on a database already migrated. Sets SERVICE_PID; writes milliseconds to $4.
# The pool size is $SERVICE_POOL_SIZE (the sweep's choice), else $POOL_SIZE.
start_service() {
    local publish="$1" db="$2" log="$3" result="$4" start end code
    SVC_PORT="$(free_port 58080)"
    start=$(date +%s%N)
    env "${SERVICE_ENV[@]}" DATABASE_URI="postgresql://postgres@127.0.0.1:$PG_PORT/$db" WAIVERDB_CONFIG="$WORK/settings-pool${SERVICE_POOL_SIZE:-$POOL_SIZE}.json" \
        WAIVERDB_LISTEN="http://127.0.0.1:$SVC_PORT" DOTNET_NOLOGO=1 \
        dotnet "$publish/WaiverDb.Service.dll" >"$log" 2>&1 &
    SERVICE_PID=$!
    STARTED_PIDS+=("$SERVICE_PID")
    for _ in $(seq 1 3000); do
        code="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$SVC_PORT/healthcheck" || true)"
        if [[ "$code" == 200 ]]; then
            end=$(date +%s%N)
            echo $(((end - start) / 1000000)) >"$result"
            return 0
        fi
        kill -0 "$SERVICE_PID" 2>/dev/null || { tail -n 20 "$log" >&2; die "the service exited"; }
        sleep 0.01
    done
    die "the service did not answer /healthcheck"
}

stop_service() {
    kill "$SERVICE_PID" && wait "$SERVICE_PID" 2>/dev/null || true
    SERVICE_PID=""
}

# CPU time the service has used (user + system), in clock ticks: what a request costs it
# whatever else the machine is doing.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$SERVICE_PID/stat"; }

# All CPUs' ticks and idle (idle + iowait) ticks since boot, from /proc/stat.
machine_ticks() { awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i; print t, $5 + $6 }' /proc/stat; }

peak_rss_mb() { awk '/^VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$SERVICE_PID/status"; }

seed() {
    local db="$1" rows="$2"
    psql_db -d postgres -c "CREATE DATABASE $db"
    DATABASE_URI="postgresql://postgres@127.0.0.1:$PG_PORT/$db" WAIVERDB_CONFIG="$WORK/settings-pool$POOL_SIZE.json" \
        dotnet "$WORK/publish-r2r/WaiverDb.Service.dll" migrate >"$WORK/migrate-$db.log" 2>&1 \
        || { cat "$WORK/migrate-$db.log" >&2; die "migration failed"; }
    say "seeding $rows waivers"
    psql_db -d "$db" -v rows="$rows" -f "$BENCH/seed.sql"
    psql_db -d "$db" -c "VACUUM ANALYZE waiver" -c "VACUUM ANALYZE waiverdb_waiver_current"
}

# The service's statement, as its raw literal in WaiverStore.cs.
statement() {
    awk -v name="$1" '$0 ~ "private const string " name " = \"\"\"" { f = 1; next } f && /^ *""";/ { f = 0 } f' \
        "$ROOT/service/Waivers/WaiverStore.cs" | sed 's/^        //'
}

# The SQL of one scenario's request, with pgbench/psql variables for its random parts.
scenario_sql() {
    case "$1" in
        filtered20) statement QuerySql | sed -f "$BENCH/pgbench/filtered.sed" | sed 's/@nf@/20/g' ;;
        filtered200) statement QuerySql | sed -f "$BENCH/pgbench/filtered.sed" | sed 's/@nf@/200/g' ;;
        list) statement QuerySql | sed -f "$BENCH/pgbench/list.sed" ;;
        start) statement CurrentSql | sed -f "$BENCH/pgbench/start.sed" ;;
        create) statement InsertSql | sed -f "$BENCH/pgbench/create.sed" ;;
    esac
}

# pgbench's script: the same random choices as the wrk script, then the statement; a
# write is a transaction of its own, as the service makes it.
pgbench_script() {
    local scenario="$1" subjects="$2"
    echo "\\set s0 random(1, $((subjects - 11)))"
    case "$scenario" in
        list) echo "\\set p random(1, 2)" ;;
        start) echo "\\set p random(1, 5)" ;;
        create) echo "\\set k random(0, 19)"; echo "BEGIN;" ;;
    esac
    scenario_sql "$scenario"
    echo ";"
    [[ "$scenario" == create ]] && echo "COMMIT;"
    return 0
}

wrk_run() {
    local scenario="$1" subjects="$2" out="$3" script args=("$subjects")
    case "$scenario" in
        filtered20) script=filtered.lua; args+=(20) ;;
        filtered200) script=filtered.lua; args+=(200) ;;
        list) script=list.lua ;;
        start) script=start.lua ;;
        create) script=create.lua ;;
    esac
    # A short run first, not counted: the service compiles its hot paths (tiered JIT)
    # and fills its connection pool, as a long-running instance already has.
    local connections="${RUN_CONNECTIONS:-$CONNECTIONS}" threads="${RUN_THREADS:-$THREADS}" duration="${RUN_DURATION:-$DURATION}"
    BENCH_WRK_DIR="$BENCH/wrk" wrk -t"$threads" -c"$connections" -d"${WARMUP}s" \
        -s "$BENCH/wrk/$script" "http://127.0.0.1:$SVC_PORT" -- "${args[@]}" >"$out.warmup.txt" 2>&1 \
        || { cat "$out.warmup.txt" >&2; die "wrk failed"; }
    local cpu_before cpu_after machine_before
    cpu_before="$(cpu_ticks)"
    machine_before="$(machine_ticks)"
    BENCH_WRK_DIR="$BENCH/wrk" wrk -t"$threads" -c"$connections" -d"${duration}s" --latency \
        -s "$BENCH/wrk/$script" "http://127.0.0.1:$SVC_PORT" -- "${args[@]}" >"$out.txt" 2>&1 \
        || { cat "$out.txt" >&2; die "wrk failed"; }
    cpu_after="$(cpu_ticks)"
    # How busy the machine's CPUs were during the run, in percent, next to the results.
    echo "$machine_before $(machine_ticks)" | awk '{ printf "%.0f\n", 100 * (1 - ($4 - $2) / ($3 - $1)) }' >"$out.busy"
    # requests/s, p50 ms, p99 ms, errors (socket errors + non-2xx), service CPU ms per request
    awk -v ticks=$((cpu_after - cpu_before)) -v hz="$(getconf CLK_TCK)" '/^BENCH / {
            for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
            printf "%.0f %.2f %.2f %d %.2f\n", v["requests"] / (v["duration_us"] / 1e6), v["p50_us"] / 1000, v["p99_us"] / 1000,
                v["errors"] + v["non2xx"], (v["requests"] > 0 ? ticks * 1000 / hz / v["requests"] : 0)
         }' "$out.txt"
}

pgbench_run() {
    local scenario="$1" db="$2" subjects="$3" out="$4"
    pgbench_script "$scenario" "$subjects" >"$out.sql"
    rm -f "$out".log*
    pgbench -n -M prepared -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "$CONNECTIONS" -j "$THREADS" \
        -T "$DURATION" -f "$out.sql" --log --log-prefix="$out.log" "$db" >"$out.txt" 2>&1 \
        || { cat "$out.txt" >&2; die "pgbench failed"; }
    # transactions/s, p50 ms, p99 ms (from the per-transaction log), failures
    local tps failed
    tps="$(awk '/^tps = / { printf "%.0f", $3 }' "$out.txt")"
    failed="$(awk '/number of failed transactions/ { print $5 }' "$out.txt")"
    cat "$out".log* | awk '{ print $3 }' | sort -n | awk -v tps="$tps" -v failed="${failed:-0}" '
        { v[NR] = $1 }
        END { printf "%s %.2f %.2f %d\n", tps, v[int(NR * 0.50) + 1] / 1000, v[int(NR * 0.99) + 1] / 1000, failed }'
}

# $1-1 ... $1-$ROUNDS hold one line of figures each; $1 gets the median of each column,
# except the 4th (errors, failures), which is summed, and the 6th (peak RSS), the largest.
median_of_rounds() {
    local base="$1" round
    for round in $(seq 1 "$ROUNDS"); do cat "$base-$round"; done | awk -v n="$ROUNDS" '
        { for (i = 1; i <= NF; i++) v[i, NR] = $i; if (NF > cols) cols = NF }
        END {
            for (i = 1; i <= cols; i++) {
                for (r = 1; r <= n; r++) a[r] = v[i, r] + 0
                for (r = 2; r <= n; r++) { x = a[r]; for (j = r - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
                if (i == 4) { m = 0; for (r = 1; r <= n; r++) m += a[r] }
                else if (i == 6) m = a[n]
                else m = (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
                # as wrk_run and pgbench_run write them: rate, p50, p99, count, CPU ms, MB
                fmt = (i == 1 || i == 6) ? "%.0f" : (i == 4 ? "%d" : "%.2f")
                printf fmt "%s", m, (i < cols ? " " : "\n")
            }
        }' >"$base"
}

explain() {
    local scenario="$1" db="$2" vars=(-v s0=50001 -v p=2 -v k=1)
    {
        if [[ "$scenario" == create ]]; then
            echo "BEGIN;"
            echo "EXPLAIN (ANALYZE, BUFFERS)"
            scenario_sql create
            echo "; ROLLBACK;"
        else
            echo "EXPLAIN (ANALYZE, BUFFERS)"
            scenario_sql "$scenario"
            echo ";"
        fi
    } | "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$db" "${vars[@]}" -f - \
        | sed -n '/QUERY PLAN/,$p' | sed '1,2d; /^([0-9]* rows)$/d'
}

# The service's insert of a 1,000-waiver list, in a transaction that is rolled back: its
# plan (one Insert over unnest) and the locks it holds on the waiver table.
write_check() {
    local db="$1"
    {
        echo "BEGIN;"
        echo "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)"
        statement InsertSql | sed -f "$BENCH/pgbench/create-list.sed"
        echo ";"
        echo "SELECT 'lock on waiver: ' || mode FROM pg_locks WHERE pid = pg_backend_pid() AND relation = 'waiver'::regclass;"
        echo "ROLLBACK;"
    } | "$PG_BIN/psql" -X -q -t -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$db" -v s0=2000000 -f - \
        | sed '/InitPlan\|Aggregate\|Function Scan on generate_series\|^ *$/d'
}

# Where the machine saturates: the two latency-targeted requests at 1 to 16 connections on
# the largest data set, as the benchmark runs the service, with the service's default
# pool size instead, and with the server garbage collector instead, so the p99 can be
# read at the concurrency that just saturates the machine and the share of each setting
# in it seen. A variant is pool<size>[-servergc].
sweep() {
    local db="$1" subjects="$2" variant scenario c r
    for variant in $SWEEP_VARIANTS; do
        SERVICE_POOL_SIZE="${variant%-servergc}"
        SERVICE_POOL_SIZE="${SERVICE_POOL_SIZE#pool}"
        SERVICE_ENV=()
        [[ "$variant" == *-servergc ]] && SERVICE_ENV=(DOTNET_gcServer=1)
        start_service "$WORK/publish-r2r" "$db" "$WORK/service-sweep-$variant.log" "$WORK/results/startup-sweep-$variant"
        # A fresh process keeps compiling its hot paths (tiered JIT) for tens of seconds
        # under load, and a run of a few seconds would measure that: both requests run
        # first, as a service that has been up a while has them compiled.
        for scenario in list filtered200; do
            RUN_DURATION="$SWEEP_WARMUP" wrk_run "$scenario" "$subjects" "$WORK/results/sweep-$variant-$scenario-warmup" >/dev/null
        done
        for scenario in list filtered200; do
            for c in $SWEEP_CONNECTIONS; do
                r="$(RUN_CONNECTIONS="$c" RUN_THREADS="$((c < THREADS ? c : THREADS))" RUN_DURATION="$SWEEP_DURATION" \
                    wrk_run "$scenario" "$subjects" "$WORK/results/sweep-$variant-$scenario-$c")"
                echo "$r $(peak_rss_mb) $(cat "$WORK/results/sweep-$variant-$scenario-$c.busy")" >"$WORK/results/sweep-$variant-$scenario-$c"
                say "sweep $variant $scenario $c connections: $r"
            done
        done
        stop_service
    done
    SERVICE_POOL_SIZE=""
    SERVICE_ENV=()
}

main() {
    local started load_before
    started="$(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    load_before="$(uptime | sed 's/.*load average: //')"
    ensure_tools
    trap cleanup EXIT
    start_postgres
    # The machine's own stalls, for the report to set against the service's slowest requests.
    local watch=(python3 "$BENCH/stallwatch.py" 100)
    is_root && watch=(chrt -f 10 "${watch[@]}")
    "${watch[@]}" >"$WORK/results/stalls" 2>"$WORK/stallwatch.log" &
    STALLWATCH_PID=$!
    build_service

    local size db subjects scenario r round
    declare -A pid_of port_of
    for size in $SIZES; do
        seed "waivers_$size" "$size"
    done
    # One service per size, all up at once, so that each scenario can alternate sizes.
    for size in $SIZES; do
        db="waivers_$size"
        subjects=$((size / 10))
        start_service "$WORK/publish-r2r" "$db" "$WORK/service-$size.log" "$WORK/results/startup-r2r-$size"
        pid_of[$size]="$SERVICE_PID" port_of[$size]="$SVC_PORT"
        # Reads only: writes here would grow the small data set before its reads are measured.
        for scenario in $SCENARIOS; do
            [[ "$scenario" == create ]] && continue
            RUN_DURATION="$SERVICE_WARMUP" wrk_run "$scenario" "$subjects" "$WORK/results/warmup-$scenario-$size" >/dev/null
        done
    done
    for scenario in $SCENARIOS; do
        for round in $(seq 1 "$ROUNDS"); do
            for size in $SIZES; do
                db="waivers_$size"
                subjects=$((size / 10))
                SERVICE_PID="${pid_of[$size]}" SVC_PORT="${port_of[$size]}"
                say "$size waivers, $scenario, round $round: wrk"
                r="$(wrk_run "$scenario" "$subjects" "$WORK/results/wrk-$scenario-$size-$round")"
                echo "$r $(peak_rss_mb)" >"$WORK/results/wrk-$scenario-$size-$round"
                say "  $r (requests/s p50 p99 errors CPU-ms/request), peak RSS $(peak_rss_mb) MB"
                say "$size waivers, $scenario, round $round: pgbench"
                r="$(pgbench_run "$scenario" "$db" "$subjects" "$WORK/results/pgbench-$scenario-$size-$round")"
                echo "$r" >"$WORK/results/pgbench-$scenario-$size-$round"
                say "  $r (transactions/s p50 p99 failures)"
            done
        done
        for size in $SIZES; do
            median_of_rounds "$WORK/results/wrk-$scenario-$size"
            median_of_rounds "$WORK/results/pgbench-$scenario-$size"
        done
    done
    for size in $SIZES; do
        SERVICE_PID="${pid_of[$size]}"
        stop_service
    done
    for size in $SIZES; do
        db="waivers_$size"
        start_service "$WORK/publish" "$db" "$WORK/service-plain-$size.log" "$WORK/results/startup-$size"
        stop_service
    done
    db="waivers_${SIZES##* }"
    for scenario in $SCENARIOS; do
        explain "$scenario" "$db" >"$WORK/results/plan-$scenario"
    done
    write_check "$db" >"$WORK/results/write-check"

    sweep "waivers_${SIZES##* }" $((${SIZES##* } / 10))

    cat >"$WORK/results/meta" <<EOF
STARTED='$started'
LOAD_BEFORE='$load_before'
LOAD_AFTER='$(uptime | sed 's/.*load average: //')'
SIZES='$SIZES'
SCENARIOS='$SCENARIOS'
DURATION='$DURATION'
ROUNDS='$ROUNDS'
CONNECTIONS='$CONNECTIONS'
POOL_SIZE='$POOL_SIZE'
DEFAULT_POOL_SIZE='$DEFAULT_POOL_SIZE'
SWEEP_VARIANTS='$SWEEP_VARIANTS'
SERVICE_WARMUP='$SERVICE_WARMUP'
SWEEP_CONNECTIONS='$SWEEP_CONNECTIONS'
SWEEP_DURATION='$SWEEP_DURATION'
SWEEP_WARMUP='$SWEEP_WARMUP'
THREADS='$THREADS'
WARMUP='$WARMUP'
PG_VERSION='$(bin_version)'
EOF
    "$BENCH/report.sh" "$WORK/results" >"$REPORT.new"
    mv "$REPORT.new" "$REPORT"
    say "wrote $REPORT"
}

if [[ "${1:-}" == "--report-only" ]]; then
    # Rewrites the report from the last run's results (when editing bench/report.sh).
    "$BENCH/report.sh" "$WORK/results" >"$REPORT"
    exit 0
fi
main
