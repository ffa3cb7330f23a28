#!/bin/sh
# Runs one fuzz target: for SECONDS (libFuzzer build) with a scratch corpus
# seeded from the committed one, or (standalone build, SECONDS=0) over the
# committed corpus only. New crashers land in tests/fuzz/crashes/.
# usage: run.sh TARGET SEED_DIR SECONDS
set -eu
target=$1 seeds=$2 secs=$3
if [ "$secs" = 0 ]; then
	exec "$target" "$seeds"
fi
# undefined behaviour ends the run like a crash, and is saved as one
export UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
crashes=$(dirname "$0")/crashes
mkdir -p "$crashes"
"$target" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
	-artifact_prefix="$crashes/$(basename "$target")-" -print_final_stats=1 "$scratch" "$seeds"
