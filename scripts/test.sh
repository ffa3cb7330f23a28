#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Runs every suite of BUILD on both backends: starts a throwaway PostgreSQL
# cluster for the "pg" variants (BRUG_TEST_PG), runs meson test, removes the
# cluster, and ends with the summary line "N passed, N failed".
#   scripts/test.sh BUILD [meson test arguments]
set -u
build=$1
shift
cd "$(dirname "$0")/.."
dir=$(mktemp -d /tmp/brug-pg-XXXXXX)
trap 'scripts/pg-cluster.sh stop "$dir"' EXIT INT TERM
if ! BRUG_TEST_PG=$(scripts/pg-cluster.sh start "$dir"); then
	echo "could not start a PostgreSQL cluster for the tests; see $dir" >&2
	cat "$dir"/*.log >&2 2>/dev/null
	echo "0 passed, 1 failed"
	exit 1
fi
export BRUG_TEST_PG
status=0
meson test -C "$build" --print-errorlogs --num-processes 2 "$@" || status=$?
scripts/test-summary.sh "$build"
exit $status
