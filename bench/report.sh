#!/usr/bin/env bash
# Writes docs/benchmarks.md (on stdout) from the results bench/run.sh left in $1.
set -euo pipefail

RESULTS="$1"
# shellcheck source=/dev/null
source "$RESULTS/meta"
SMALL="${SIZES%% *}"
LARGE="${SIZES##* }"

# Thresholds of issue #6, for this 2-core machine.
FLAT_RATIO=0.80
FLOOR_RATIO=0.50
P99_FILTERED_MS=25
P99_LIST_MS=10
RSS_MB=250
STARTUP_MS=2000
# The machine counts as saturated when its CPUs are within this many points of the
# busiest they were in a sweep.
SATURATED_MARGIN=2

label() {
    case "$1" in
        filtered20) echo 'POST /waivers/+filtered, 20 filters' ;;
        filtered200) echo 'POST /waivers/+filtered, 200 filters' ;;
        list) echo 'GET /waivers/?subject_identifier=…&limit=5&page=1..2' ;;
        start) echo 'GET /waivers/?limit=20&page=1..5 (no filter: the start page)' ;;
        create) echo 'POST /waivers/ (one waiver)' ;;
    esac
}

field() { awk -v n="$2" '{ print $n }' "$RESULTS/$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "n/a"; else printf "%.2f", a / b }'; }
# met when $1 $2 $3 holds (ge or lt), with numbers
verdict() { awk -v a="$1" -v op="$2" -v b="$3" 'BEGIN { ok = (op == "ge") ? (a >= b) : (a < b); print ok ? "met" : "**missed**" }'; }
# Where the machine saturates in the sweep with variant $1 and scenario $2: the fewest
# connections at which its CPUs were within $SATURATED_MARGIN points of as busy as they
# got in that sweep. wrk, PostgreSQL and the service leave some idle time even when
# nothing more can run (93-99% here), so "100% busy" is never reached.
saturating() {
    local variant="$1" scenario="$2" c busy most=0
    for c in $SWEEP_CONNECTIONS; do
        busy="$(field "sweep-$variant-$scenario-$c" 7)"
        (( busy > most )) && most="$busy"
    done
    for c in $SWEEP_CONNECTIONS; do
        if (( $(field "sweep-$variant-$scenario-$c" 7) >= most - SATURATED_MARGIN )); then echo "$c"; return; fi
    done
}
# A sweep variant (pool<size>[-servergc]) in words.
variant_label() {
    local pool="${1%-servergc}"
    printf 'pool of %s, %s GC' "${pool#pool}" "$([[ "$1" == *-servergc ]] && echo server || echo workstation)"
}
with_commas() { echo "$1" | sed ':a; s/\B[0-9]\{3\}\>/,&/; ta'; }

cpu_model="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
ram="$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
os="$(. /etc/os-release && echo "$PRETTY_NAME")"

cat <<EOF
# Benchmarks

Written by \`make bench\` (\`bench/run.sh\`, explained in [bench/README.md](../bench/README.md));
running it again rewrites this file. Do not edit it by hand.

- **Date**: $STARTED
- **Command**: \`make bench\` (BENCH_ROUNDS=${ROUNDS:-1}, BENCH_DURATION=$DURATION, BENCH_CONNECTIONS=$CONNECTIONS, BENCH_POOL_SIZE=$POOL_SIZE)
- **Machine**: $(nproc) CPUs ($cpu_model), $ram RAM, $os, Linux $(uname -r)
- **Software**: .NET $(dotnet --version 2>/dev/null), PostgreSQL $PG_VERSION, $(wrk --version 2>&1 | head -1 | awk '{ print $1, $2 }'), pgbench
- **Load average** (1, 5, 15 min) before: $LOAD_BEFORE; after: $LOAD_AFTER. The machine is
  shared: other builds running at the same time lower every figure below.

## How

Each size is a fresh database of a private PostgreSQL cluster, migrated by the service
and seeded by \`bench/seed.sql\`: one subject per ten waivers (Koji builds and Bodhi
updates), three of 300 shared test cases per subject, 3–4 waivers per (subject, test
case) so that most are obsolete, 2,000 users, 12 product versions, 10% with a scenario,
a third proxied by Bodhi, timestamps over five years. The Release build of the service
runs on 127.0.0.1 (dummy authentication, messaging off, \`DATABASE_POOL_SIZE\` $POOL_SIZE:
the CPUs the database has here), one process per size, all started before the first
run; each runs every read scenario for ${SERVICE_WARMUP} s once started (not counted: it is
still compiling its hot paths). Then, scenario by scenario, wrk drives each size in turn
for $DURATION s (after a ${WARMUP} s warm-up run that is not counted) with $THREADS threads and
$CONNECTIONS keep-alive connections, each request with random subjects (\`bench/wrk/*.lua\`),
followed by the **floor**: pgbench running the service's own statement (extracted from
\`WaiverStore.cs\`, turned into a pgbench script by \`bench/pgbench/*.sed\`) with the same
random choices, $CONNECTIONS clients, prepared, for $DURATION s. This is done ${ROUNDS:-1} times, the
sizes alternating, and each figure below is the median of its rounds (errors and
failures are their sum, the peak RSS the largest): this machine's speed drifts by 20–30%
over minutes, which sizes measured one after the other would take for a difference
between them. wrk, pgbench, PostgreSQL and the services share the same
$(nproc) CPUs. Latencies in ms; RSS is the service's peak (VmHWM) since its start;
service CPU is the CPU time the service process used during the run divided by its
requests, which other load on the machine changes far less than throughput.

EOF

for size in $SIZES; do
    echo "## $(with_commas "$size") waivers"
    echo
    echo "| scenario | service req/s | p50 | p99 | errors | service CPU ms/req | peak RSS MB | pgbench tps | p50 | p99 | failures | service / floor |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    for scenario in $SCENARIOS; do
        w="wrk-$scenario-$size" p="pgbench-$scenario-$size"
        echo "| $(label "$scenario") | $(field "$w" 1) | $(field "$w" 2) | $(field "$w" 3) | $(field "$w" 4) | $(field "$w" 5) | $(field "$w" 6) | $(field "$p" 1) | $(field "$p" 2) | $(field "$p" 3) | $(field "$p" 4) | $(ratio "$(field "$w" 1)" "$(field "$p" 1)") |"
    done
    echo
done

echo "## Targets"
echo
echo "| target | measured | |"
echo "|---|---|---|"
for scenario in $SCENARIOS; do
    small="$(field "wrk-$scenario-$SMALL" 1)" large="$(field "wrk-$scenario-$LARGE" 1)"
    r="$(ratio "$large" "$small")"
    echo "| $(label "$scenario"): req/s at $(with_commas "$LARGE") ≥ 80% of $(with_commas "$SMALL") | $large / $small = $r | $(verdict "$r" ge "$FLAT_RATIO") |"
done
for size in $SIZES; do
    r="$(ratio "$(field "wrk-filtered200-$size" 1)" "$(field "pgbench-filtered200-$size" 1)")"
    echo "| +filtered (200) at $(with_commas "$size") ≥ 50% of the pgbench floor | $r | $(verdict "$r" ge "$FLOOR_RATIO") |"
done
for size in $SIZES; do
    p="$(field "wrk-filtered200-$size" 3)"
    echo "| +filtered (200) p99 < $P99_FILTERED_MS ms at $(with_commas "$size") | $p ms | $(verdict "$p" lt "$P99_FILTERED_MS") |"
done
for size in $SIZES; do
    p="$(field "wrk-list-$size" 3)"
    echo "| GET /waivers/ p99 < $P99_LIST_MS ms at $(with_commas "$size") | $p ms | $(verdict "$p" lt "$P99_LIST_MS") |"
done
if [[ -n "${SWEEP_CONNECTIONS:-}" ]]; then
    for scenario in filtered200 list; do
        target="$([[ "$scenario" == list ]] && echo "$P99_LIST_MS" || echo "$P99_FILTERED_MS")"
        for variant in $SWEEP_VARIANTS; do
            c="$(saturating "$variant" "$scenario")"
            p="$(field "sweep-$variant-$scenario-$c" 3)"
            echo "| $(label "$scenario") p99 < $target ms at the saturating concurrency ($c connections, $(variant_label "$variant"), $(with_commas "$LARGE")) | $p ms | $(verdict "$p" lt "$target") |"
        done
    done
fi
rss="$(for s in $SIZES; do for c in $SCENARIOS; do field "wrk-$c-$s" 6; done; done | sort -n | tail -1)"
echo "| service peak RSS < $RSS_MB MB throughout | $rss MB | $(verdict "$rss" lt "$RSS_MB") |"
for size in $SIZES; do
    s="$(cat "$RESULTS/startup-r2r-$size")"
    echo "| /healthcheck answers < $STARTUP_MS ms after launch ($(with_commas "$size"), ReadyToRun as in the image) | $s ms | $(verdict "$s" lt "$STARTUP_MS") |"
done
echo

if [[ -n "${SWEEP_CONNECTIONS:-}" ]]; then
    echo "## Saturation"
    echo
    echo "The two latency-targeted requests at $(with_commas "$LARGE") waivers with 1 to 16 connections"
    echo "(wrk threads: one per connection up to $THREADS), ${SWEEP_DURATION} s each after a ${WARMUP} s warm-up,"
    echo "on a service that first ran both requests for ${SWEEP_WARMUP} s each,"
    echo "as the benchmark runs the service (\`DATABASE_POOL_SIZE\` $POOL_SIZE, the workstation garbage collector),"
    echo "with the default pool of $DEFAULT_POOL_SIZE instead, and with the server collector instead (\`DOTNET_gcServer=1\`)."
    echo "The saturating concurrency is the fewest connections at which the machine's CPUs were"
    echo "within ${SATURATED_MARGIN} points of the busiest they got in that sweep (\`/proc/stat\` over the run);"
    echo "beyond it, more connections only queue for the $(nproc) CPUs."
    echo
    echo "| scenario | settings | connections | req/s | p50 | p99 | errors | service CPU ms/req | CPUs busy % | peak RSS MB |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    for scenario in list filtered200; do
        for variant in $SWEEP_VARIANTS; do
            for c in $SWEEP_CONNECTIONS; do
                f="sweep-$variant-$scenario-$c"
                echo "| $(label "$scenario") | $(variant_label "$variant") | $c | $(field "$f" 1) | $(field "$f" 2) | $(field "$f" 3) | $(field "$f" 4) | $(field "$f" 5) | $(field "$f" 7) | $(field "$f" 6) |"
            done
        done
    done
    echo
fi

# The services' slowest requests against the machine's and PostgreSQL's slow moments.
WORK_DIR="$(dirname "$RESULTS")"
if [[ -f "$RESULTS/stalls" ]]; then
    python3 "$(dirname "$0")/stalls.py" "$RESULTS" "$WORK_DIR/postgresql.log" "$WORK_DIR"/service-*.log
fi

echo "## Start-up"
echo
echo "From launching \`dotnet WaiverDb.Service.dll\` to the first 200 of \`/healthcheck\` (which"
echo "queries the database), on a migrated database; the service checks its migrations first."
echo "The Containerfile publishes with ReadyToRun; the load tests above ran that build."
echo
echo "| size | ReadyToRun (as the image) | without ReadyToRun |"
echo "|---|---:|---:|"
for size in $SIZES; do
    echo "| $(with_commas "$size") | $(cat "$RESULTS/startup-r2r-$size") ms | $(cat "$RESULTS/startup-$size") ms |"
done
echo

if [[ -f "$(dirname "$0")/analysis.md" ]]; then
    cat "$(dirname "$0")/analysis.md"
    echo
fi

if [[ -f "$RESULTS/write-check" ]]; then
    echo "## Writes"
    echo
    echo "A list of 1,000 waivers is one statement, \`INSERT … SELECT FROM unnest(…)\`, in one"
    echo "transaction. On \`waiver\` it holds only RowExclusiveLock, the mode every INSERT takes,"
    echo "which blocks neither other inserts nor reads (nothing locks the table itself). At"
    echo "$(with_commas "$LARGE") waivers, rolled back afterwards"
    echo "(the parameter arrays, built with generate_series here, are left out):"
    echo
    echo '```'
    cat "$RESULTS/write-check"
    echo '```'
    echo
fi

echo "## Plans at $(with_commas "$LARGE") waivers"
echo
echo "\`EXPLAIN (ANALYZE, BUFFERS)\` of each scenario's statement, for subject 50001 (page 2,"
echo "the second test case), with JIT off as the service's sessions have it."
for scenario in $SCENARIOS; do
    echo
    echo "### $(label "$scenario")"
    echo
    echo '```'
    cat "$RESULTS/plan-$scenario"
    echo '```'
done
