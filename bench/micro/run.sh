#!/usr/bin/env bash
# The service's CPU per request outside the database, stage by stage (BenchmarkDotNet),
# written to docs/benchmarks-micro.md with the machine, the date and this command.
# Usage: bench/micro/run.sh [BenchmarkDotNet arguments, default: --filter '*']
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
artifacts=$root/artifacts/bench-micro
report=${BENCH_MICRO_REPORT:-$root/docs/benchmarks-micro.md}
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(--filter '*')

rm -rf "$artifacts"
dotnet run -c Release --project "$root/bench/micro" -- "${args[@]}" --exporters github --artifacts "$artifacts"

{
  echo "# Micro-benchmarks"
  echo
  echo "What one request costs the service's CPU outside HTTP and the database, per stage."
  echo "Produced by \`make bench-micro\` (\`bench/micro/run.sh\`) on $(date -u '+%Y-%m-%d %H:%M UTC');"
  echo "$(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')),"
  echo "$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM, $(. /etc/os-release && echo "$PRETTY_NAME"), .NET $(dotnet --version)."
  echo "The bodies and answers are shaped as \`bench/wrk/filtered.lua\` asks and \`bench/seed.sql\` answers"
  echo "(\`bench/micro/GreenwaveRequests.cs\`). \`bench/analysis.md\` says what the figures changed."
  for f in "$artifacts"/results/*-report-github.md; do
    echo
    echo "## $(basename "$f" -report-github.md | sed 's/.*\.//')"
    echo
    sed -n '/^|/,$p' "$f"
  done
} > "$report"
echo "wrote $report"
