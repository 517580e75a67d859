#!/usr/bin/env bash
# Prints one line summing up the TRX test result files in a folder:
#   N passed, N failed            or
#   N passed, N failed, N skipped (when tests were not executed)
#
# Usage: scripts/test-summary.sh DIR [TEST_EXIT_CODE]
#
# Each *.trx file directly in DIR (as written by `dotnet test --logger trx`)
# holds <ResultSummary outcome="..."><Counters total=".." passed=".."
# failed=".." .../>; the counters are summed over all files. Errors, timeouts
# and aborted tests count as failures. A run that produced no TRX file, a file
# without counters, a run whose outcome is a failure with no failed test
# counted, and a non-zero TEST_EXIT_CODE with no failed test counted (a test
# project that did not build, say) each count as one failure, so that the
# line never reports success for a run that did not succeed.
#
# Exit status: 0 when nothing failed, 1 otherwise. Notes go to stderr before
# the line, so that the line is the last thing printed.
#
# Only grep, sed, tr and awk are used: python may be missing on a fresh
# machine, and awk may be mawk (no gawk extensions).
set -euo pipefail

if (( $# < 1 || $# > 2 )); then
    echo "usage: $0 DIR [TEST_EXIT_CODE]" >&2
    exit 2
fi
dir="$1"
test_exit="${2:-0}"
[[ "$test_exit" =~ ^[0-9]+$ ]] || { echo "test-summary: TEST_EXIT_CODE must be a number" >&2; exit 2; }

shopt -s nullglob
files=("$dir"/*.trx)

if (( ${#files[@]} == 0 )); then
    echo "test-summary: no TRX file in $dir: the tests did not run" >&2
    echo "0 passed, 1 failed"
    exit 1
fi

# One line per file: the file name, then its <ResultSummary ...> and
# <Counters .../> start tags. Newlines inside tags are flattened first,
# because XML allows attributes on separate lines.
for f in "${files[@]}"; do
    tags="$(tr '\r\n\t' '   ' <"$f" \
        | grep -oE '<(ResultSummary|Counters)[ /][^>]*>' \
        | tr '\n' ' ' || true)"
    printf '%s\t%s\n' "$f" "$tags"
done | awk -F '\t' -v test_exit="$test_exit" -v sq="'" '
    # The number in attribute NAME="N" (or NAME=N in single quotes) of S, or 0.
    function attr(s, name,    v) {
        if (!match(s, "[ ]" name "[ ]*=[ ]*[\"" sq "][0-9]+")) return 0
        v = substr(s, RSTART, RLENGTH)
        sub(/^[^0-9]*/, "", v)
        return v + 0
    }
    # The word in attribute NAME of S, or "".
    function word_attr(s, name,    v) {
        if (!match(s, "[ ]" name "[ ]*=[ ]*[\"" sq "][A-Za-z]*")) return ""
        v = substr(s, RSTART, RLENGTH)
        sub("^[^\"" sq "]*[\"" sq "]", "", v)
        return v
    }
    {
        file = $1
        tags = $2
        if (!match(tags, "<Counters[ /][^>]*>")) {
            print "test-summary: " file " has no counters: counted as one failure" > "/dev/stderr"
            failed += 1
            next
        }
        c = substr(tags, RSTART, RLENGTH)
        f = attr(c, "failed") + attr(c, "error") + attr(c, "timeout") + attr(c, "aborted")
        outcome = word_attr(tags, "outcome")
        if (f == 0 && (outcome == "Failed" || outcome == "Error" || outcome == "Aborted" || outcome == "Timeout")) {
            print "test-summary: " file " reports outcome " outcome ": counted as one failure" > "/dev/stderr"
            f = 1
        }
        passed += attr(c, "passed")
        failed += f
        skipped += attr(c, "notExecuted")
    }
    END {
        if (failed == 0 && test_exit != 0) {
            print "test-summary: the test run exited with status " test_exit ": counted as one failure" > "/dev/stderr"
            failed = 1
        }
        line = (passed + 0) " passed, " (failed + 0) " failed"
        if (skipped > 0) line = line ", " skipped " skipped"
        print line
        exit (failed > 0 ? 1 : 0)
    }
'
