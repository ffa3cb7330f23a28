#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# `make bench`: measures brug against baselines measured in the same run
# and ends with ONE table of every operation (table_print): answer
# submission, API reads (GET /api/v1/me, a list), the dashboard (page and
# in-process at BENCH_ANSWERS_N answers), search, import, the relation
# page; throughput or p50/p95/p99, peak RSS, the baseline and the ratio
# to it, the issues' targets with PASS/FAIL; on SQLite and PostgreSQL.
# Before it, the detailed sections it is made from: reads against a minimal libmicrohttpd server
# (bench/minimal.c), writes against a bare insert loop on the same database
# engine (bench/sqlite_insert.c, bench/pg_insert.c), survey answers through
# the public page against a bare libmicrohttpd + SQLite server that inserts
# one row per answer (bench/answer_server.c).
#
#   bench/run.sh BUILD_DIR      BUILD_DIR holds brug and bench/bench_*
#
# What it does: creates a throw-away database per backend (brug init, brug
# token create), starts `brug serve` on it with the access log OFF (a
# benchmark of the request path, not of log writing) and the minimal server,
# checks every row answers as it should, warms every row up, then runs
# every row BENCH_ROUNDS times. Rounds are interleaved (row 1, row 2, ...
# then again), so background load on a shared machine hits every row alike.
#
# A row is one line (see "The rows" below), measured by wrk:
#   bench_row NAME URL HEADERS BASELINE TARGET [METHOD [BODY_FILE [STATUS [PATHS_FILE]]]]
#     NAME      what the table shows; other rows name it as their baseline
#     URL       @SERVER/PATH, SERVER a name given to start_minimal/start_brug
#     HEADERS   "Name: value|Name: value" (may be empty)
#     BASELINE  NAME of an earlier row, or "" for none
#     TARGET    least ratio to the baseline, e.g. 0.6, or "" for none
#     METHOD, BODY_FILE   for writes: e.g. POST "$BENCH_DATA/answer.json";
#               each @UNIQUE@ in the body becomes a text no other request
#               of the run gets (see wrk.lua), for writes of unique names
#     STATUS    the status every answer must have, e.g. 201 ("": any 2xx)
#     PATHS_FILE  request paths, one a line, taken round robin instead of
#               URL's path (see wrk.lua); URL's path is the one checked
# and, for a write row, what shows that its writes landed:
#   bench_after NAME FUNCTION [ARGS...]
#     FUNCTION ARGS... RUN  prints how many rows the wrk run RUN (the
#               row's last; its number is in each @UNIQUE@ text) left in
#               the database; after the rounds it must be more than 0
# or by a program of its own (a baseline that is not an HTTP server):
#   bench_cmd NAME FUNCTION
#     FUNCTION SECONDS   runs it for SECONDS and prints a BENCH line as
#               wrk.lua's with cpu_us= and rss_kb= of its own (txloop.h)
# Rows that depend on a database go in rows_backend, which runs once per
# backend in BENCH_BACKENDS; a backend is a function backend_NAME that
# creates a database, starts brug on it and sets $srv, $token, and
# $insert_loop and $insert_name, the function and name of its write
# baseline (see backend_sqlite, backend_pg).
#
# PostgreSQL: a throw-away cluster made by scripts/pg-cluster.sh in this
# run's temporary folder (stopped and removed on exit), with that script's
# settings (fsync=off: no commit waits for the disk, as SQLite's
# synchronous=NORMAL in WAL mode does not sync each commit either); the
# table's header shows the settings that matter for writes. brug and the
# libpq loop write to two databases of the same cluster.
#
# The figures: req/s is the median over the rounds; p50, p95 and p99 are wrk's
# latency percentiles (median over the rounds); peak RSS is the server's
# VmHWM, reset before each run of the row (max over the rounds); ratio is
# the median over the rounds of (row req/s / baseline req/s in the same
# round), which cancels load that drifts between rounds. wrk shares the
# cores with the servers, so absolute numbers say little; the ratio is the
# figure to watch. The spread column is (max - min) / median of req/s.
# cpu/req is the server's own CPU time (utime + stime from /proc/PID/stat)
# per request: the steadiest figure on a busy machine, and the one to
# compare when looking for where the time goes. For an insert loop, req/s
# is transactions per second and cpu/req and peak RSS are the loop
# program's own (getrusage); on PostgreSQL neither side counts the
# database server's CPU.
#
# After the table, a CRM section measures what no single request shows:
# search over a large organisation. bench/crm.c (bench_crm search, brug's
# own code in-process) seeds one organisation with BENCH_SEARCH_N
# interactions per backend in BENCH_BACKENDS (a throw-away SQLite file; a
# database in the same PostgreSQL cluster) and times BENCH_SEARCH_Q
# searches of four shapes (one word, two words with the second being
# typed, a four-letter prefix, three words), 20 results each as the search
# page asks. It prints p50/p95/p99 per backend and per shape, wall clock,
# and the CPU time per search (the bench process's, plus its PostgreSQL
# server process's), against the target p95 <= 20 ms. Its baseline: for
# the same queries, one index probe of 20 search_terms entries in plain
# SQL (the least a search of 20 results reads). Seeding a million
# interactions takes minutes per backend. The import also runs on
# PostgreSQL (no bare baseline there); peak RSS of the in-process
# programs and of brug import is /usr/bin/time's maximum resident set.
# The answer rows: bench_crm answers makes an active NPS survey and
# BENCH_ANSWER_N sent invitations in brug's database and prints their
# tokens; each request posts the answer form (a.nps=9 and an open answer
# a.reason that is unique per request, so each request writes: themes,
# sentiment, the answer row, the invitation, the aggregates diffed) to the
# next invitation's /s/{token} and must be answered 303 (a browser's form
# post that saved). Its baseline on SQLite is bench/answer_server.c on its
# own SQLite file; on PostgreSQL there is no bare HTTP + libpq server: the
# row is compared with the libpq insert loop, as the other write rows are.
#
# Then the import: `brug import relations` of BENCH_IMPORT_N people
# (bench/import-data.sh: organisation, name, email, phone, address, tag)
# into a fresh SQLite database, against bench/import_insert.c, a bare
# batched insert of the same rows into a copy of the relations table, and
# (-p) of their email, phone and address into a copy of contact_points, as
# brug stores them; each run just before and just after brug (their mean is
# the baseline). Rows per second until the import commits (target: ratio
# >= 0.25, shown against both baselines), and until its search backlog is
# indexed too (brug import does that before it returns; no target: see
# docs/internals/search.md).
#
# Exit status: a missed target prints FAIL but exits 0, because a benchmark
# is a measurement, not a test: the number is the result, and a loaded CI
# machine must not turn red over it. The exit status is non-zero only when
# something broke: a build product missing, a server or database that does
# not start, a row that does not answer as it should, wrk errors or answers
# with another status mid-run, a failed transaction in an insert loop.
#
# The default sizes keep a run near 25 minutes on 2 shared cores; the issues'
# sizes are BENCH_SEARCH_N=1000000 BENCH_IMPORT_N=1000000
# BENCH_ANSWERS_N=10000000 (about an hour more, most of it seeding).
# Settings (environment): BENCH_ROUNDS (3), BENCH_DURATION (5, seconds),
# BENCH_WARMUP (3, seconds per row), BENCH_THREADS (2, wrk threads),
# BENCH_CONNECTIONS (64), BENCH_BACKENDS ("sqlite pg"), BENCH_ROWS (an ERE:
# run only rows whose NAME matches, plus their baselines), BENCH_RAW (a
# folder to keep the raw per-run results in, for comparing runs),
# BENCH_SECTIONS ("table crm": which parts run; "crm" alone skips the
# table), BENCH_SEARCH_N (100000), BENCH_SEARCH_Q (2000), BENCH_IMPORT_N
# (100000, rows of the import benchmark; 0 skips it), BENCH_ANSWERS_N
# (1000000, survey answers of the results benchmark; 0 skips it),
# BENCH_RESULTS_Q (200 dashboard calls), BENCH_ANSWER_N (1000, invitations
# the answer rows spread their requests over).
# shellcheck disable=SC2317 # cleanup and backend_* are called indirectly
set -euo pipefail

BUILD=${1:?usage: bench/run.sh BUILD_DIR}
ROUNDS=${BENCH_ROUNDS:-3}
DURATION=${BENCH_DURATION:-5}
WARMUP=${BENCH_WARMUP:-3}
THREADS=${BENCH_THREADS:-2}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
BACKENDS=${BENCH_BACKENDS:-sqlite pg}
ONLY=${BENCH_ROWS:-}
RAW=${BENCH_RAW:-}
SECTIONS=${BENCH_SECTIONS:-table crm}
SEARCH_N=${BENCH_SEARCH_N:-100000}
SEARCH_Q=${BENCH_SEARCH_Q:-2000}
SEARCH_P95=20 # target: p95 of a search, in ms
IMPORT_N=${BENCH_IMPORT_N:-100000}
IMPORT_TARGET=0.25 # target: import rows/s over the bare insert's
ANSWERS_N=${BENCH_ANSWERS_N:-1000000}
RESULTS_Q=${BENCH_RESULTS_Q:-200}
RESULTS_P95=10 # target: p95 of the results dashboard, in ms
RESULTS=$BUILD/bench/bench_results
ANSWER_N=${BENCH_ANSWER_N:-1000}
HERE=$(cd "$(dirname "$0")" && pwd)
BRUG=$BUILD/brug
MINIMAL=$BUILD/bench/bench_minimal
ANSWER_SERVER=$BUILD/bench/bench_answer_server
SQLITE_INSERT=$BUILD/bench/bench_sqlite_insert
PG_INSERT=$BUILD/bench/bench_pg_insert
CRM=$BUILD/bench/bench_crm
IMPORT_INSERT=$BUILD/bench/bench_import_insert
PG_CLUSTER=$HERE/../scripts/pg-cluster.sh
LUA=$HERE/wrk.lua
# connections of the insert loops: as many as brug serve has threads (one
# per online core, as src/http/mhd.c and the loops count them)
CORES=$(getconf _NPROCESSORS_ONLN)

die() { echo "bench: $*" >&2; exit 1; }
for f in "$BRUG" "$MINIMAL" "$ANSWER_SERVER" "$SQLITE_INSERT" "$PG_INSERT" "$CRM" "$IMPORT_INSERT"; do
	[ -x "$f" ] || die "$f is missing: build $BUILD first"
done
command -v wrk >/dev/null || die "wrk is missing (scripts/deps.sh bench installs it)"
command -v curl >/dev/null || die "curl is missing (scripts/deps.sh bench installs it)"
command -v sqlite3 >/dev/null || die "sqlite3 is missing (scripts/deps.sh bench installs it)"
[ -x /usr/bin/time ] || die "/usr/bin/time is missing (scripts/deps.sh bench installs it)"
# a developer's BRUG_* settings (BRUG_CONFIG, BRUG_THREADS, ...) must not
# change what is measured, nor must libpq's PG* ones (PGOPTIONS, ...)
while read -r v; do unset "$v"; done < <(compgen -e | grep -E '^(BRUG_|PG)' || true)

umask 077 # the files here are nobody else's business (see backend_pg)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/brug-bench.XXXXXX")
TABLE=$TMP/table.tsv # the one table's lines (table_print)
: >"$TABLE"
declare -A SERVER_PID=() SERVER_PORT=() SERVER_LOG=()
WRK_PID=""  # wrk, or an insert loop, while one runs
PG_DIR=""   # the PostgreSQL cluster, once one is started
PG_ADMIN="" # its administrator's URL

# Everything this script started, and nothing else, by process id.
cleanup() {
	local status=$?
	trap - EXIT INT TERM
	if [ -n "$WRK_PID" ]; then kill "$WRK_PID" 2>/dev/null || true; fi
	local name pid
	for name in "${!SERVER_PID[@]}"; do
		kill -TERM "${SERVER_PID[$name]}" 2>/dev/null || true
	done
	for name in "${!SERVER_PID[@]}"; do
		pid=${SERVER_PID[$name]}
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	# after the servers, so none of them sees its database go away
	if [ -n "$PG_DIR" ]; then "$PG_CLUSTER" stop "$PG_DIR" || true; fi
	rm -rf "$TMP"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- servers ---------------------------------------------------------------

# wait_listening NAME PATTERN: waits for the server's "listening" line and
# records its port (every server here is started on port 0).
wait_listening() {
	local name=$1 sed_expr=$2 port="" pid=${SERVER_PID[$1]}
	for _ in $(seq 100); do
		port=$(sed -n "$sed_expr" "$TMP/$name.out" 2>/dev/null | head -n 1)
		[ -n "$port" ] && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if [ -z "$port" ]; then
		tail -n 20 "$TMP/$name.out" "${SERVER_LOG[$name]}" >&2 || true
		die "server $name did not start"
	fi
	SERVER_PORT[$name]=$port
}

start_minimal() { # NAME
	SERVER_LOG[$1]=$TMP/$1.log
	"$MINIMAL" 0 >"$TMP/$1.out" 2>"${SERVER_LOG[$1]}" &
	SERVER_PID[$1]=$!
	wait_listening "$1" 's/^listening on port \([0-9]*\).*/\1/p'
}

start_answer_server() { # NAME FILE
	SERVER_LOG[$1]=$TMP/$1.log
	"$ANSWER_SERVER" 0 "$2" >"$TMP/$1.out" 2>"${SERVER_LOG[$1]}" &
	SERVER_PID[$1]=$!
	wait_listening "$1" 's/^listening on port \([0-9]*\).*/\1/p'
}

start_brug() { # NAME DB_URL [brug serve settings...]
	local name=$1 db=$2
	shift 2
	SERVER_LOG[$name]=$TMP/$name.log
	"$BRUG" serve --db "$db" --listen 127.0.0.1:0 --access-log false "$@" \
		>"$TMP/$name.out" 2>"${SERVER_LOG[$name]}" &
	SERVER_PID[$name]=$!
	wait_listening "$name" 's|.*listening on http://[^ ]*:\([0-9]*\)/.*|\1|p'
}

# ---- database backends -----------------------------------------------------
# backend_NAME: create a database, start brug on it as server brug_NAME, set
# srv (the server's name) and token (an API token of an administrator), and
# insert_loop and insert_name: a function that runs the backend's bare
# insert loop (the write baseline) for SECONDS, and the row name for it.

# brug_db NAME DB_URL: brug init and an administrator's token, into $token.
brug_db() {
	"$BRUG" init --db "$2" --org Bench --admin-email bench@example.com \
		--admin-password bench-pass-1 >"$TMP/init-$1.out" 2>&1 ||
		{ cat "$TMP/init-$1.out" >&2; die "brug init failed ($1)"; }
	token=$("$BRUG" token create --db "$2" --email bench@example.com 2>"$TMP/token.err") ||
		{ cat "$TMP/token.err" >&2; die "brug token create failed ($1)"; }
}

backend_sqlite() {
	local db=sqlite:$TMP/b.db
	brug_db sqlite "$db"
	db_url=$db
	srv=brug_sqlite
	start_brug "$srv" "$db"
	insert_loop=insert_sqlite insert_name="SQLite insert loop"
}
# exec: the caller's $! is the loop itself, which cleanup can stop
insert_sqlite() { exec "$SQLITE_INSERT" -t "$CORES" -d "$1" "$TMP/insert.db"; }

# pg_cluster: starts this run's PostgreSQL cluster, once; sets PG_ADMIN,
# PG_VERSION and PG_SETTINGS.
pg_cluster() {
	[ -z "$PG_ADMIN" ] || return 0
	command -v psql >/dev/null || die "psql is missing (scripts/deps.sh bench installs it)"
	# The cluster belongs to the unprivileged user postgres (initdb will
	# not run as root), which must be able to reach its folder in $TMP.
	[ "$(id -u)" != 0 ] || chmod 711 "$TMP"
	PG_DIR=$TMP/pg
	PG_ADMIN=$("$PG_CLUSTER" start "$PG_DIR" 2>"$TMP/pg-cluster.err") || {
		cat "$TMP/pg-cluster.err" "$PG_DIR/initdb.log" "$PG_DIR/server.log" >&2 2>/dev/null
		die "the PostgreSQL cluster did not start (scripts/pg-cluster.sh)"
	}
	PG_VERSION=$(psql "$PG_ADMIN" -XAtc 'SHOW server_version' 2>/dev/null) || PG_VERSION="?"
	PG_SETTINGS=$(psql "$PG_ADMIN" -XAtc "SELECT string_agg(name || '=' || setting, ', ' ORDER BY name)
		FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes')" \
		2>/dev/null) || PG_SETTINGS="?"
}

# pg_database NAME: a new database in the cluster (pg_cluster first, in
# this shell, not in the $(...) that reads the URL); prints its URL.
pg_database() {
	[ -n "$PG_ADMIN" ] || die "pg_database $1: no cluster (call pg_cluster first)"
	psql "$PG_ADMIN" -Xq -v ON_ERROR_STOP=1 -c "CREATE DATABASE $1" >"$TMP/psql.out" 2>&1 ||
		{ cat "$TMP/psql.out" >&2; die "cannot create database $1"; }
	echo "${PG_ADMIN%/*}/$1"
}

backend_pg() {
	pg_cluster
	PG_LOOP_URL=$(pg_database insert_loop)
	local db
	db=$(pg_database brug_bench)
	brug_db pg "$db"
	db_url=$db
	srv=brug_pg
	start_brug "$srv" "$db"
	insert_loop=insert_pg insert_name="libpq insert loop"
}
insert_pg() { exec "$PG_INSERT" -t "$CORES" -d "$1" "$PG_LOOP_URL"; }

# ---- the row list ----------------------------------------------------------

ROW_NAME=() ROW_URL=() ROW_HEADERS=() ROW_BASE=() ROW_TARGET=() ROW_METHOD=() ROW_BODY=()
ROW_STATUS=() ROW_CMD=() ROW_PATHS=() ROW_AFTER=() ROW_LAST_RUN=()

# row_index NAME: prints the index of the row called NAME, or fails.
row_index() {
	local i
	for i in "${!ROW_NAME[@]}"; do
		[ "${ROW_NAME[$i]}" = "$1" ] && { echo "$i"; return 0; }
	done
	return 1
}

bench_row() { # NAME URL HEADERS BASELINE TARGET [METHOD [BODY_FILE [STATUS [PATHS_FILE]]]]
	if [ $# -lt 5 ] || [ $# -gt 9 ]; then
		die "bench_row NAME URL HEADERS BASELINE TARGET [METHOD [BODY_FILE [STATUS [PATHS_FILE]]]]: got $*"
	fi
	local s=${2#@}
	if [[ $2 != @*/* ]] || [ -z "${SERVER_PORT[${s%%/*}]+x}" ]; then
		die "row '$1': URL must be @SERVER/PATH with a started server, got '$2'"
	fi
	[ -z "$4" ] || row_index "$4" >/dev/null || die "row '$1': baseline '$4' is not an earlier row"
	[ -z "$5" ] || [[ $5 =~ ^[0-9]*\.?[0-9]+$ ]] || die "row '$1': target '$5' is not a number"
	[ -z "${7:-}" ] || [ -r "$7" ] || die "row '$1': cannot read body file '$7'"
	[ -z "${8:-}" ] || [[ $8 =~ ^[1-5][0-9][0-9]$ ]] || die "row '$1': status '$8' is not one"
	[ -z "${9:-}" ] || [ -s "$9" ] || die "row '$1': cannot read paths file '$9'"
	row_index "$1" >/dev/null && die "row '$1' is declared twice"
	ROW_NAME+=("$1") ROW_URL+=("$2") ROW_HEADERS+=("$3") ROW_BASE+=("$4") ROW_TARGET+=("$5")
	ROW_METHOD+=("${6:-GET}") ROW_BODY+=("${7:-}") ROW_STATUS+=("${8:-}") ROW_CMD+=("")
	ROW_PATHS+=("${9:-}") ROW_AFTER+=("") ROW_LAST_RUN+=("")
}

bench_cmd() { # NAME FUNCTION
	[ $# -eq 2 ] || die "bench_cmd NAME FUNCTION: got $*"
	declare -F "$2" >/dev/null || die "row '$1': no function '$2'"
	row_index "$1" >/dev/null && die "row '$1' is declared twice"
	ROW_NAME+=("$1") ROW_URL+=("") ROW_HEADERS+=("") ROW_BASE+=("") ROW_TARGET+=("")
	ROW_METHOD+=("") ROW_BODY+=("") ROW_STATUS+=("") ROW_CMD+=("$2")
	ROW_PATHS+=("") ROW_AFTER+=("") ROW_LAST_RUN+=("")
}

bench_after() { # NAME FUNCTION [ARGS...]
	local i
	i=$(row_index "$1") || die "bench_after: no row '$1'"
	declare -F "$2" >/dev/null || die "row '$1': no function '$2'"
	shift
	ROW_AFTER[i]=$(printf '%q ' "$@")
}

# rows_written DB_URL TABLE RUN: the rows of TABLE whose text ends in a
# @UNIQUE@ text of wrk run RUN ("... RUN.thread.n").
rows_written() {
	local sql="SELECT COUNT(*) FROM $2 WHERE text LIKE '% $3.%'"
	case $1 in
	sqlite:*) sqlite3 -cmd '.timeout 5000' "${1#sqlite:}" "$sql" ;;
	*) psql "$1" -XAtc "$sql" ;;
	esac
}

# ---- The rows ----------------------------------------------------------------
# Add a row here in one line. BENCH_DATA is a scratch folder for body files.

BASE=minimal # bench/minimal.c: GET / on a bare libmicrohttpd server configured like brug's

# Rows that need no database: the baseline.
rows_common() {
	bench_row "$BASE" "@minimal/" "" "" ""
}

# Rows per backend ($1), against its server $srv with an administrator's
# API token $token; the write rows' baseline is the backend's bare insert
# loop ($insert_loop). A write row writes its body file first.
rows_backend() {
	local be=$1 json="Accept: application/json" auth="Authorization: Bearer $token"
	local post="Content-Type: application/json"
	bench_row "GET /healthz [$be]"           "@$srv/healthz"    ""           "$BASE" ""
	bench_row "GET /api/v1/me, token [$be]"  "@$srv/api/v1/me"  "$auth|$json" "$BASE" 0.6
	# a list read: the first page of relations (bench_crm answers and
	# timeline below add relations, so it is not empty by the first round)
	bench_row "GET /api/v1/relations, token [$be]" "@$srv/api/v1/relations" "$auth|$json" \
		"$BASE" ""
	# a team and its audit row in one transaction; a unique name each
	printf '{"name":"bench @UNIQUE@","description":"Made by make bench"}' >"$BENCH_DATA/team.json"
	bench_cmd "$insert_name [$be]" "$insert_loop"
	bench_row "POST /api/v1/teams, token [$be]" "@$srv/api/v1/teams" "$auth|$json|$post" \
		"$insert_name [$be]" "" POST "$BENCH_DATA/team.json" 201
	# the relation page (HTML) of a relation with 1,000 timeline items
	local rel
	rel=$("$CRM" timeline "$db_url" 1000 2>"$TMP/crm-timeline.err") ||
		{ cat "$TMP/crm-timeline.err" >&2; die "bench_crm timeline failed ($be)"; }
	bench_row "GET /relations/{id}, 1000 timeline items [$be]" "@$srv/relations/$rel" \
		"$auth|Accept: text/html" "$BASE" "" GET "" 200
	rows_answers "$be"
	# the organisation dashboard page (HTML), over the answers the answer
	# rows leave (its cost grows with the periods shown, not the answers;
	# bench/results.c times it at BENCH_ANSWERS_N)
	bench_row "GET /results, dashboard page [$be]" "@$srv/results" \
		"$auth|Accept: text/html" "$BASE" "" GET "" 200
}

# The answer rows of backend $1 (see the header): brug's, and on SQLite
# its baseline, both over the same list of invitations' tokens.
rows_answers() {
	local be=$1 base="$insert_name [$1]" paths=$BENCH_DATA/answer-paths-$1 first
	local form="Content-Type: application/x-www-form-urlencoded|Accept: text/html"
	"$CRM" answers "$db_url" "$ANSWER_N" >"$TMP/answer-tokens" 2>"$TMP/crm-answers.err" ||
		{ cat "$TMP/crm-answers.err" >&2; die "bench_crm answers failed ($be)"; }
	sed 's|^|/s/|' "$TMP/answer-tokens" >"$paths"
	first=$(head -n 1 "$paths")
	printf 'a.nps=9&a.reason=Snelle+monteur%%2C+maar+de+factuur+klopte+niet+@UNIQUE@' \
		>"$BENCH_DATA/answer.form"
	if [ "$be" = sqlite ]; then
		base="bare MHD + SQLite answer insert [$be]"
		start_answer_server answer_base "$TMP/answer-base.db"
		bench_row "$base" "@answer_base$first" "$form" "" "" POST "$BENCH_DATA/answer.form" 303 \
			"$paths"
		bench_after "$base" rows_written "sqlite:$TMP/answer-base.db" answers
	fi
	bench_row "POST /s/{token}, an answer [$be]" "@$srv$first" "$form" "$base" 0.5 POST \
		"$BENCH_DATA/answer.form" 303 "$paths"
	bench_after "POST /s/{token}, an answer [$be]" rows_written "$db_url" survey_answers
}

# ---- measuring -------------------------------------------------------------

row_server() { local s=${ROW_URL[$1]#@}; echo "${s%%/*}"; }
row_url() {
	local s=${ROW_URL[$1]#@}
	echo "http://127.0.0.1:${SERVER_PORT[${s%%/*}]}/${s#*/}"
}

# run_row I SECONDS OUT: one run of row I (wrk, or the row's program); its
# BENCH line goes to OUT.
WRK_RUNS=0 # numbers the wrk runs, which makes @UNIQUE@ unique in the run
run_row() {
	local what
	if [ -n "${ROW_CMD[$1]}" ]; then
		what=${ROW_CMD[$1]}
		"${ROW_CMD[$1]}" "$2" >"$TMP/wrk.out" 2>&1 &
	else
		what=wrk
		WRK_RUNS=$((WRK_RUNS + 1))
		ROW_LAST_RUN[$1]=$WRK_RUNS
		BENCH_METHOD=${ROW_METHOD[$1]} BENCH_HEADERS=${ROW_HEADERS[$1]} \
			BENCH_BODY_FILE=${ROW_BODY[$1]} BENCH_EXPECT=${ROW_STATUS[$1]} \
			BENCH_PATHS_FILE=${ROW_PATHS[$1]} BENCH_RUN=$WRK_RUNS \
			wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2"s --timeout 5s -s "$LUA" "$(row_url "$1")" \
			>"$TMP/wrk.out" 2>&1 &
	fi
	WRK_PID=$!
	wait "$WRK_PID" || { cat "$TMP/wrk.out" >&2; die "$what failed on '${ROW_NAME[$1]}'"; }
	WRK_PID=""
	grep '^BENCH ' "$TMP/wrk.out" >"$3" || { cat "$TMP/wrk.out" >&2; die "no result from $what"; }
}

# check_row I: one request by curl; the row must answer its status (or
# 2xx). A program row runs for a moment and must succeed.
check_row() {
	if [ -n "${ROW_CMD[$1]}" ]; then
		run_row "$1" 0.5 "$TMP/check.out"
		return
	fi
	local args=(-sS -o "$TMP/check.body" -w '%{http_code}' -X "${ROW_METHOD[$1]}") h code
	local -a hs=()
	IFS='|' read -r -a hs <<<"${ROW_HEADERS[$1]}"
	for h in "${hs[@]}"; do args+=(-H "$h"); done
	if [ -n "${ROW_BODY[$1]}" ]; then
		sed 's/@UNIQUE@/check/g' "${ROW_BODY[$1]}" >"$TMP/check.req"
		args+=(--data-binary "@$TMP/check.req")
	fi
	code=$(curl "${args[@]}" "$(row_url "$1")") || die "'${ROW_NAME[$1]}': request failed"
	if [ -n "${ROW_STATUS[$1]}" ] && [ "$code" = "${ROW_STATUS[$1]}" ]; then return 0; fi
	if [ -z "${ROW_STATUS[$1]}" ] && [[ $code == 2?? ]]; then return 0; fi
	head -c 400 "$TMP/check.body" >&2
	echo >&2
	die "'${ROW_NAME[$1]}' answered $code, not ${ROW_STATUS[$1]:-2xx}"
}

# Peak RSS per row: writing 5 to clear_refs resets VmHWM to the current RSS
# (Linux >= 4.0); where that is refused the figure is the peak since start.
RSS_SINCE=row
rss_reset() { echo 5 >"/proc/$1/clear_refs" 2>/dev/null || RSS_SINCE=start; }
rss_peak_kb() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"; }
# CPU time the server used so far (user + system, all threads), in clock
# ticks: fields 14 and 15 of /proc/PID/stat, counted after the ")" that
# ends the command name.
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }

# ---- CRM: search over a large organisation ---------------------------------

# crm_search BACKEND: seeds and times searches on BACKEND's database and
# prints its line of the CRM section.
crm_search() {
	local be=$1 url
	case $be in
	sqlite) url=sqlite:$TMP/crm.db ;;
	pg)
		pg_cluster
		url=$(pg_database crm_search)
		;;
	*) die "no CRM database for backend '$be'" ;;
	esac
	echo "bench: CRM search [$be]: seeding $SEARCH_N interactions, then $SEARCH_Q searches" >&2
	/usr/bin/time -f %M -o "$TMP/crm.rss" "$CRM" search "$url" "$SEARCH_N" "$SEARCH_Q" \
		>"$TMP/crm.out" 2>"$TMP/crm.err" ||
		{ tail -n 20 "$TMP/crm.err" >&2; die "bench_crm search failed [$be]"; }
	awk -v be="$be" -v target="$SEARCH_P95" -v tsv="$TABLE" -v n="$SEARCH_N" \
		-v rss="$(tail -n 1 "$TMP/crm.rss")" '
	{ delete v; for (f = 3; f <= NF; f++) { split($f, kv, "="); v[kv[1]] = kv[2] } }
	$2 == "search" {
		printf "%-28s  %8.2f  %8.2f  %8.2f  %8.2f  %8.2f  %9s  %s\n", "search [" be "]",
			v["p50_ms"], v["p95_ms"], v["p99_ms"], v["cpu_p50_ms"], v["cpu_p95_ms"],
			"<=" target, v["p95_ms"] + 0 <= target + 0 ? "PASS" : "FAIL"
		found = 1
	}
	$2 == "search_shape" {
		printf "  %-26s  %8.2f  %8.2f  %8.2f\n", v["shape"] " [" be "]", v["p50_ms"],
			v["p95_ms"], v["p99_ms"]
	}
	$2 == "search" { for (k in v) s[k] = v[k] }
	$2 == "search_base" {
		printf "  %-26s  %8.2f  %8.2f  %8.2f  (baseline: one index probe of 20 entries)\n",
			"index probe [" be "]", v["p50_ms"], v["p95_ms"], v["p99_ms"]
		for (k in v) b[k] = v[k]
		based = 1
	}
	END {
		if (!found || !based) exit 1
		label = sprintf("search, %d interactions (in-process)", n)
		printf "%s\t%s\t-\t%s\t%s\t%s\t%d\t%s\t%.4f\t%s\t%s\n", label, be, s["p50_ms"],
			s["p95_ms"], s["p99_ms"], rss, "index probe, 20 entries",
			(s["p95_ms"] > 0 ? b["p95_ms"] / s["p95_ms"] : 0), "p95 <=" target "ms",
			(s["p95_ms"] + 0 <= target + 0 ? "PASS" : "FAIL") >>tsv
		printf "%s\t%s\t-\t%s\t%s\t%s\t%d\t(a baseline)\t-\t-\t-\n",
			"index probe, 20 entries", be, b["p50_ms"], b["p95_ms"], b["p99_ms"], rss >>tsv
	}' "$TMP/crm.out" || die "bench_crm search printed no BENCH line [$be]"
}

# crm_import: times the import against its baselines and prints its lines.
# Each baseline runs just before and just after brug; their mean is taken.
# On PostgreSQL (when in BENCH_BACKENDS) brug import runs too, into a new
# database of the cluster; there is no bare batched libpq insert of the
# same rows, so that row has no baseline.
crm_import() {
	local csv=$TMP/import.csv out lines="" be pg_out=""
	echo "bench: import: writing $IMPORT_N rows; the baselines, brug import, the baselines" >&2
	"$HERE/import-data.sh" "$IMPORT_N" "$csv"
	: >"$TMP/import-base.rss"
	base_runs() {
		local p
		for p in "" -p; do
			rm -f "$TMP"/import-base.db*
			# shellcheck disable=SC2086 # an empty $p is no argument
			lines+=$(/usr/bin/time -f "rss$p %M" -a -o "$TMP/import-base.rss" \
				"$IMPORT_INSERT" $p "$csv" "$TMP/import-base.db")$'\n' ||
				die "bench_import_insert $p failed"
		done
		rm -f "$TMP"/import-base.db*
	}
	base_runs
	"$BRUG" init --db "sqlite:$TMP/import.db" --org Bench --admin-email bench@example.org \
		--admin-password bench-password >/dev/null 2>&1 || die "brug init for the import failed"
	out=$(/usr/bin/time -f %M -o "$TMP/import.rss" \
		"$BRUG" import relations "$csv" --db "sqlite:$TMP/import.db" 2>"$TMP/import.err") ||
		{ tail -n 5 "$TMP/import.err" >&2; die "brug import failed"; }
	base_runs
	rm -f "$TMP"/import.db*
	for be in $BACKENDS; do
		[ "$be" = pg ] || continue
		local url
		pg_cluster
		url=$(pg_database import_bench)
		echo "bench: import [pg]: brug import relations of $IMPORT_N rows" >&2
		"$BRUG" init --db "$url" --org Bench --admin-email bench@example.org \
			--admin-password bench-password >/dev/null 2>&1 || die "brug init for the import failed [pg]"
		pg_out=$(/usr/bin/time -f %M -o "$TMP/import-pg.rss" \
			"$BRUG" import relations "$csv" --db "$url" 2>"$TMP/import.err") ||
			{ tail -n 5 "$TMP/import.err" >&2; die "brug import failed [pg]"; }
		pg_out+=$'\n'"rss_pg $(tail -n 1 "$TMP/import-pg.rss")"
	done
	rm -f "$csv"
	printf '%s%s\nrss_brug %s\n%s\n' "$lines" "$out" "$(tail -n 1 "$TMP/import.rss")" \
		"$(cat "$TMP/import-base.rss")" | awk -v n="$IMPORT_N" -v target="$IMPORT_TARGET" \
		-v tsv="$TABLE" -v pg="${pg_out//$'\n'/|}" '
	/ rows in .* rows\/s\)/ { if (/with contact points/) p[++np] = $1 / $4; else b[++nb] = $1 / $4 }
	/^written in / { w = $3 }
	/^search index: / { s = $6; objects = $3 }
	/^rss_brug / { rss = $2 }
	/^rss / { if ($2 > rss_b) rss_b = $2 }
	/^rss-p / { if ($2 > rss_p) rss_p = $2 }
	function row(label, rate, base) {
		printf "%-32s  %8.0f rows/s  ratio %.3f  target >=%s  %s\n", label, rate, rate / base,
			target, (rate / base >= target + 0) ? "PASS" : "FAIL"
	}
	# a line of the one table (table_print)
	function rec(label, be, rate, rss, bname, ratio, tgt, result) {
		printf "%s\t%s\t%.0f rows/s\t-\t-\t-\t%d\t%s\t%s\t%s\t%s\n", label, be, rate, rss,
			bname, ratio, tgt, result >>tsv
	}
	END {
		if (nb != 2 || np != 2 || !w) { print "bench: import: a figure is missing" > "/dev/stderr"; exit 1 }
		bare = (b[1] + b[2]) / 2; pts = (p[1] + p[2]) / 2
		printf "%-32s  %8.0f rows/s  (runs %.0f, %.0f)\n", "bare insert, relations [sqlite]", bare, b[1], b[2]
		printf "%-32s  %8.0f rows/s  (runs %.0f, %.0f)\n", "  + contact points [sqlite]", pts, p[1], p[2]
		row("import vs bare relations", n / w, bare)
		row("import vs + contact points", n / w, pts)
		label = "import, " n " CSV rows, until committed"
		rec(label, "sqlite", n / w, rss, "bare batched insert, relations", sprintf("%.3f", n / w / bare),
			"ratio >=" target, n / w / bare >= target + 0 ? "PASS" : "FAIL")
		if (s) {
			printf "%-32s  %8.0f rows/s  ratio %.3f / %.3f  (%d objects indexed in %.1f s)\n",
				"until searchable", n / (w + s), n / (w + s) / bare, n / (w + s) / pts, objects, s
			rec("import, " n " CSV rows, until searchable", "sqlite", n / (w + s), rss,
				"bare batched insert, relations", sprintf("%.3f", n / (w + s) / bare), "-", "-")
		}
		rec("bare batched insert, relations", "sqlite", bare, rss_b, "(a baseline)", "-", "-", "-")
		rec("bare batched insert, + contact points", "sqlite", pts, rss_p, "(a baseline)", "-", "-", "-")
		if (pg != "") {
			m = split(pg, l, "|"); pw = ps = 0
			for (k = 1; k <= m; k++) {
				split(l[k], f, " ")
				if (l[k] ~ /^written in /) pw = f[3]
				if (l[k] ~ /^search index: /) ps = f[6]
				if (l[k] ~ /^rss_pg /) prss = f[2]
			}
			if (!pw) { print "bench: import [pg]: a figure is missing" > "/dev/stderr"; exit 1 }
			printf "%-32s  %8.0f rows/s  (no baseline)\n", "brug import [pg]", n / pw
			rec(label, "pg", n / pw, prss, "- (no bare libpq import)", "-", "-", "-")
			if (ps) {
				printf "%-32s  %8.0f rows/s\n", "  until searchable [pg]", n / (pw + ps)
				rec("import, " n " CSV rows, until searchable", "pg", n / (pw + ps), prss, "-", "-", "-", "-")
			}
		}
	}' || die "the import benchmark printed no figures"
}

# results_bench BACKEND: seeds ANSWERS_N survey answers and times the
# results dashboards against the plain SQL aggregate (bench/results.c).
results_bench() {
	local be=$1 url
	case $be in
	sqlite) url=sqlite:$TMP/results.db ;;
	pg)
		pg_cluster
		url=$(pg_database results_bench)
		;;
	*) die "no results database for backend '$be'" ;;
	esac
	echo "bench: results [$be]: seeding $ANSWERS_N answers, then $RESULTS_Q dashboards" >&2
	/usr/bin/time -f %M -o "$TMP/results.rss" "$RESULTS" "$url" "$ANSWERS_N" "$RESULTS_Q" \
		>"$TMP/results.out" 2>"$TMP/results.err" ||
		{ tail -n 20 "$TMP/results.err" >&2; die "bench_results failed [$be]"; }
	awk -v be="$be" -v target="$RESULTS_P95" -v tsv="$TABLE" -v n="$ANSWERS_N" \
		-v rss="$(tail -n 1 "$TMP/results.rss")" '
	{ delete v; for (f = 3; f <= NF; f++) { split($f, kv, "="); v[kv[1]] = kv[2] } }
	$2 == "results" {
		printf "%-28s  %8.2f  %8.2f  %9s  %s\n", "org dashboard [" be "]", v["p50_ms"],
			v["p95_ms"], "<=" target, v["p95_ms"] + 0 <= target + 0 ? "PASS" : "FAIL"
		printf "%-28s  %8.2f  %8.2f\n", "one survey, by team [" be "]", v["survey_p50_ms"],
			v["survey_p95_ms"]
		printf "%-28s  %8.2f  %8.2f  ratio %s\n", "plain SQL aggregate [" be "]",
			v["sql_p50_ms"], v["sql_p95_ms"], v["ratio"]
		found = 1
		sql = "plain SQL aggregate, " n " answers"
		printf "%s\t%s\t-\t%s\t%s\t%s\t%d\t%s\t%.1f\t%s\t%s\n",
			"org dashboard, " n " answers (in-process)", be, v["p50_ms"], v["p95_ms"],
			v["p99_ms"], rss, sql, (v["p95_ms"] > 0 ? v["sql_p95_ms"] / v["p95_ms"] : 0),
			"p95 <=" target "ms", (v["p95_ms"] + 0 <= target + 0 ? "PASS" : "FAIL") >>tsv
		printf "%s\t%s\t-\t%s\t%s\t%s\t%d\t%s\t%.1f\t-\t-\n",
			"survey results by team, " n " answers (in-process)", be, v["survey_p50_ms"],
			v["survey_p95_ms"], v["survey_p99_ms"], rss, sql,
			(v["survey_p95_ms"] > 0 ? v["sql_p95_ms"] / v["survey_p95_ms"] : 0) >>tsv
		printf "%s\t%s\t-\t%s\t%s\t%s\t%d\t(a baseline)\t-\t-\t-\n", sql, be,
			v["sql_p50_ms"], v["sql_p95_ms"], v["sql_p99_ms"], rss >>tsv
	}
	END { exit !found }' "$TMP/results.out" || die "bench_results printed no BENCH line [$be]"
}

crm_section() {
	local load be
	load=$(cut -d' ' -f1-3 /proc/loadavg)
	echo
	echo "CRM: search over $SEARCH_N interactions of one organisation (bench/crm.c, in-process)," \
		"$SEARCH_Q searches of 20 results, shapes in turn: one word, two words with the second" \
		"being typed, a four-letter prefix, three words"
	printf "%-28s  %8s  %8s  %8s  %8s  %8s  %9s  %s\n" "operation" "p50 ms" "p95 ms" "p99 ms" \
		"cpu p50" "cpu p95" "target" "result"
	for be in $BACKENDS; do crm_search "$be"; done
	echo "p50/p95/p99: wall clock per search (target: its p95); cpu: CPU time per search of the"
	echo "  bench process and, on PostgreSQL, of its server process (this machine's cluster):" \
		"what a search costs when the cores are shared"
	if [ "$IMPORT_N" -gt 0 ]; then
		echo
		echo "CRM: import of $IMPORT_N CSV rows (bench/import-data.sh) by brug import relations," \
			"against a bare batched insert of the same rows (bench/import_insert.c)"
		crm_import
		echo "rows/s: rows of the file per second of wall clock, until the import committed; the"
		echo "  baselines write each row as a relations row, and (+ contact points) also its email,"
		echo "  phone and address as contact_points rows, as brug stores them; brug also makes the"
		echo "  rows' organisations and tags and checks every row for duplicates"
		echo "until searchable: also the search backlog's indexing (docs/internals/search.md)"
	fi
	if [ "$ANSWERS_N" -gt 0 ]; then
		echo
		echo "Survey results over $ANSWERS_N answers of one organisation (bench/results.c," \
			"in-process): the dashboards read survey_agg; the plain SQL aggregate counts the" \
			"same NPS scores from survey_answers"
		printf "%-28s  %8s  %8s  %9s  %s\n" "operation" "p50 ms" "p95 ms" "target" "result"
		for be in $BACKENDS; do results_bench "$be"; done
	fi
	echo "load average $load at the start of the section, $(cut -d' ' -f1-3 /proc/loadavg) at its end"
}

# ---- the one table ---------------------------------------------------------
# Every part of the run adds its operations to $TABLE, one line each, tab
# separated: operation, backend, throughput ("N req/s", "N rows/s" or "-"),
# p50, p95, p99 (ms, or "-"), peak RSS (kB), baseline, ratio, target,
# result. table_print prints them as the one table of the run, each
# operation's backends next to each other, and counts the targets.
table_print() {
	[ -s "$TABLE" ] || return 0
	echo
	echo "== make bench: every operation, $(nproc) cores, load average" \
		"$(cut -d' ' -f1-3 /proc/loadavg) at the end =="
	awk -F '\t' '
	function ms(x) {
		if (x == "-" || x == "") return "-"
		return x < 10 ? sprintf("%.2fms", x) : x < 1000 ? sprintf("%.1fms", x) : sprintf("%.2fs", x / 1000)
	}
	function mib(kb) { return kb > 0 ? sprintf("%.1fMiB", kb / 1024) : "-" }
	{
		if (!($1 in seen)) { seen[$1] = 1; ops[++nops] = $1 }
		k = ++nrec[$1]; rec[$1, k] = $0
		if (length($1) > w) w = length($1)
		if (length($8) > bw) bw = length($8)
	}
	END {
		fmt = "%-" w "s  %-7s  %15s  %8s  %8s  %8s  %9s  %-" bw "s  %7s  %-13s  %s\n"
		printf fmt, "operation", "backend", "throughput", "p50", "p95", "p99", "peak RSS",
			"baseline", "ratio", "target", "result"
		line = sprintf(fmt, "", "", "", "", "", "", "", "", "", "", "")
		gsub(/./, "-", line); print line
		for (o = 1; o <= nops; o++)
			for (k = 1; k <= nrec[ops[o]]; k++) {
				split(rec[ops[o], k], f, "\t")
				printf fmt, f[1], f[2], f[3], ms(f[4]), ms(f[5]), ms(f[6]), mib(f[7]), f[8],
					f[9], f[10], f[11]
				if (f[11] ~ /PASS/) pass++
				if (f[11] ~ /FAIL/) { fail++; missed = missed (missed ? "; " : "") f[1] " [" f[2] "]" }
			}
		print ""
		print "throughput: requests (wrk), transactions (insert loops) or CSV rows per second;"
		print "  \"-\" where an operation is timed one call at a time (in-process, latency only)"
		print "p50/p95/p99: wrk latency per request, or wall clock per call (in-process);"
		print "peak RSS: the server (wrk rows) or the program (in-process rows, brug import)"
		print "ratio: throughput / the baseline'"'"'s, or for latency rows the baseline'"'"'s p95 / the"
		print "  row'"'"'s p95: above 1 is faster than the baseline; each baseline ran in this run"
		if (pass + fail)
			printf "targets: %d met, %d missed%s\n", pass, fail, fail ? " (" missed ")" : ""
	}' "$TABLE"
}

want_section() { [[ " $SECTIONS " == *" $1 "* ]]; }

# ---- main ------------------------------------------------------------------

if ! want_section table; then
	want_section crm || die "BENCH_SECTIONS='$SECTIONS' names no section (table, crm)"
	crm_section
	table_print
	exit 0
fi

export BENCH_DATA=$TMP/data
mkdir -p "$BENCH_DATA"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
start_minimal minimal
rows_common
for be in $BACKENDS; do
	declare -F "backend_$be" >/dev/null || die "no backend '$be' (define backend_$be)"
	srv="" token=""
	"backend_$be"
	rows_backend "$be"
done

# The rows to run: those BENCH_ROWS matches, and the baselines they use.
declare -A PICK=()
for i in "${!ROW_NAME[@]}"; do
	if [ -z "$ONLY" ] || [[ ${ROW_NAME[$i]} =~ $ONLY ]]; then
		PICK[$i]=1
		[ -z "${ROW_BASE[$i]}" ] || PICK[$(row_index "${ROW_BASE[$i]}")]=1
	fi
done
RUN=()
for i in "${!ROW_NAME[@]}"; do [ -n "${PICK[$i]:-}" ] && RUN+=("$i"); done
[ ${#RUN[@]} -gt 0 ] || die "BENCH_ROWS='$ONLY' matches no row"

for i in "${RUN[@]}"; do check_row "$i"; done
echo "bench: warming up (${WARMUP}s per row)" >&2
for i in "${RUN[@]}"; do run_row "$i" "$WARMUP" "$TMP/one"; done

# results: one line per run: row, round, peak RSS in kB, the BENCH line;
# for a server, with the CPU time it used during the run appended (a
# program row's BENCH line has its own cpu_us and rss_kb)
HZ=$(getconf CLK_TCK)
: >"$TMP/results"
for r in $(seq "$ROUNDS"); do
	for i in "${RUN[@]}"; do
		if [ -n "${ROW_CMD[$i]}" ]; then
			run_row "$i" "$DURATION" "$TMP/one"
			printf '%s\t%s\t%s\t%s\n' "$i" "$r" \
				"$(sed -n 's/.* rss_kb=\([0-9]*\).*/\1/p' "$TMP/one")" \
				"$(cat "$TMP/one")" >>"$TMP/results"
		else
			pid=${SERVER_PID[$(row_server "$i")]}
			rss_reset "$pid"
			cpu0=$(cpu_ticks "$pid")
			run_row "$i" "$DURATION" "$TMP/one"
			cpu1=$(cpu_ticks "$pid")
			printf '%s\t%s\t%s\t%s cpu_us=%s\n' "$i" "$r" "$(rss_peak_kb "$pid")" \
				"$(cat "$TMP/one")" "$(((cpu1 - cpu0) * 1000000 / HZ))" >>"$TMP/results"
		fi
		# a wrong answer is reported at once, and makes the run BROKEN below
		awk -v r="$r" -v n="$ROUNDS" -v name="${ROW_NAME[$i]}" -v want="${ROW_STATUS[$i]:-2xx}" '{
			for (f = 2; f <= NF; f++) { split($f, kv, "="); v[kv[1]] = kv[2] }
			printf "bench: round %d/%d  %-36s %9.0f req/s\n", r, n, name,
				v["requests"] / (v["duration_us"] / 1e6)
			bad = v["status"] + v["unexpected"]
			sock = v["connect"] + v["read"] + v["write"] + v["timeout"]
			if (bad || sock)
				printf "bench: ERROR: %s: %d answers not %s (or failed transactions), %d socket errors\n",
					name, bad, want, sock }' "$TMP/one" >&2
	done
done

# Write rows with a bench_after: their last run's writes must be in the
# database (a 303 alone does not show that an answer was stored).
LANDED=""
for i in "${RUN[@]}"; do
	[ -n "${ROW_AFTER[$i]}" ] || continue
	n=$(eval "${ROW_AFTER[$i]}" "${ROW_LAST_RUN[$i]}") ||
		die "'${ROW_NAME[$i]}': cannot count its rows"
	[ "${n:-0}" -gt 0 ] 2>/dev/null ||
		die "'${ROW_NAME[$i]}': its last run (wrk run ${ROW_LAST_RUN[$i]}) left no row in the database"
	LANDED+="  ${ROW_NAME[$i]}: $n rows hold an answer of its last run"$'\n'
done

# rows: index, name, baseline index, target
for i in "${RUN[@]}"; do
	b=""
	[ -z "${ROW_BASE[$i]}" ] || b=$(row_index "${ROW_BASE[$i]}")
	printf '%s\t%s\t%s\t%s\t%s\n' "$i" "${ROW_NAME[$i]}" "$b" "${ROW_TARGET[$i]}" \
		"${ROW_CMD[$i]:+tx/s}"
done >"$TMP/rows"

echo
echo "$("$BRUG" version 2>/dev/null | head -n 1 || echo 'brug ?')," \
	"commit $(git -C "$HERE" rev-parse --short HEAD 2>/dev/null || echo '?')" \
	"$(git -C "$HERE" diff --quiet HEAD 2>/dev/null || echo '(with uncommitted changes)')"
echo "machine: $(nproc) cores, load average $LOAD_START at the start," \
	"$(cut -d' ' -f1-3 /proc/loadavg) at the end"
echo "wrk -t$THREADS -c$CONNECTIONS, $ROUNDS rounds of ${DURATION}s per row after ${WARMUP}s warm-up;" \
	"servers: one thread per core; brug serve with --access-log false (access log OFF)"
echo "baselines: '$BASE' (reads): bench/minimal.c, a bare libmicrohttpd server configured like brug's;"
echo "  insert loops (writes): bench/sqlite_insert.c, bench/pg_insert.c, $CORES connections" \
	"(one per brug serve thread), each: BEGIN, INSERT a row, INSERT an audit row, COMMIT"
echo "  answers: bench/answer_server.c, libmicrohttpd as bench/minimal.c + SQLite, one connection" \
	"per server thread, each POST: BEGIN IMMEDIATE, INSERT one row, COMMIT, 303 (on pg: the libpq loop)"
for be in $BACKENDS; do
	case $be in
	sqlite) echo "sqlite: WAL, synchronous=NORMAL, as brug sets it up" ;;
	pg) echo "pg: PostgreSQL $PG_VERSION, throw-away cluster by scripts/pg-cluster.sh" \
		"($PG_SETTINGS), brug and the loop on the same cluster" ;;
	esac
done
if awk -v l="${LOAD_START%% *}" -v n="$(nproc)" 'BEGIN { exit !(l > n) }'; then
	echo "note: the load average was above the number of cores: other work shares the CPUs;" \
		"trust the ratio and cpu/req more than req/s and p99"
fi
echo

set +e
awk -F '\t' -v rss_since="$RSS_SINCE" -v tsv="$TABLE" '
function median(key, n,    a, i, j, t) {
	for (i = 1; i <= n; i++) a[i] = vals[key, i]
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
function put(key, v) { vals[key, ++cnt[key]] = v }
function ms(us) { return us < 1000 ? sprintf("%.0fus", us) : sprintf("%.2fms", us / 1000) }
FILENAME == ARGV[1] {
	order[++nrows] = $1; name[$1] = $2; base[$1] = $3; target[$1] = $4
	unit[$1] = $5 != "" ? $5 : "req/s"
	if (length($2) > w) w = length($2)
	if ($3 != "") isbase[$3] = 1
	next
}
{
	i = $1; r = $2
	delete v
	m = split($4, f, " ")
	for (k = 2; k <= m; k++) { split(f[k], kv, "="); v[kv[1]] = kv[2] }
	rps[i, r] = v["requests"] / (v["duration_us"] / 1e6)
	put(i SUBSEP "rps", rps[i, r])
	put(i SUBSEP "p50", v["p50_us"])
	put(i SUBSEP "p95", v["p95_us"])
	put(i SUBSEP "p99", v["p99_us"])
	put(i SUBSEP "cpu", v["requests"] ? v["cpu_us"] / v["requests"] : 0)
	if ($3 > rss[i]) rss[i] = $3
	errs[i] += v["connect"] + v["read"] + v["write"] + v["timeout"]
	bad[i] += v["status"] + v["unexpected"]
	if (r > rounds) rounds = r
}
END {
	bw = length("baseline")
	for (b in isbase) if (length(name[b]) > bw) bw = length(name[b])
	fmt = "%-" w "s  %9s  %6s  %8s  %8s  %8s  %7s  %8s  %-" bw "s  %5s  %6s  %s\n"
	printf fmt, "operation", "req/s", "spread", "p50", "p95", "p99", "cpu/req", "peak RSS",
		"baseline", "ratio", "target", "result"
	line = sprintf(fmt, "", "", "", "", "", "", "", "", "", "", "", "")
	gsub(/./, "-", line); print line
	for (o = 1; o <= nrows; o++) {
		i = order[o]
		n = cnt[i, "rps"]
		med = median(i SUBSEP "rps", n)
		lo = hi = rps[i, 1]
		for (r = 1; r <= n; r++) { if (rps[i, r] < lo) lo = rps[i, r]; if (rps[i, r] > hi) hi = rps[i, r] }
		spread = sprintf("%.1f%%", med > 0 ? 100 * (hi - lo) / med : 0)
		ratio = "-"; bname = "-"; result = ""
		if (base[i] != "") {
			b = base[i]; bname = name[b]
			for (r = 1; r <= n; r++) put(i SUBSEP "ratio", rps[b, r] > 0 ? rps[i, r] / rps[b, r] : 0)
			q = median(i SUBSEP "ratio", n)
			ratio = sprintf("%.2f", q)
			rounds_line = rounds_line sprintf("  %-" w "s ", name[i])
			for (r = 1; r <= n; r++) rounds_line = rounds_line sprintf(" %.3f", vals[i SUBSEP "ratio", r])
			rounds_line = rounds_line "\n"
		}
		if (target[i] != "") {
			ntarget++
			if (base[i] == "") result = "?"
			else if (q + 0 >= target[i] + 0) { result = "PASS"; npass++ }
			else { result = "FAIL"; failed = failed sprintf("%s%s %s < %s", failed ? "; " : "", name[i], ratio, target[i]) }
		}
		if (errs[i] || bad[i]) {
			result = result (result ? " " : "") sprintf("ERROR (%d socket errors, %d wrong)", errs[i], bad[i])
			broken = 1
		}
		p50 = median(i SUBSEP "p50", n); p95 = median(i SUBSEP "p95", n)
		p99 = median(i SUBSEP "p99", n)
		# the one table (table_print): the backend in a column of its own
		op = name[i]; be = "-"
		if (match(op, / \[[a-z]+\]$/)) { be = substr(op, RSTART + 2, RLENGTH - 3); op = substr(op, 1, RSTART - 1) }
		bl = bname; sub(/ \[[a-z]+\]$/, "", bl)
		printf "%s\t%s\t%.0f %s\t%.3f\t%.3f\t%.3f\t%d\t%s\t%s\t%s\t%s\n", op, be, med, unit[i],
			p50 / 1000, p95 / 1000, p99 / 1000, rss[i], base[i] != "" ? bl : (i in isbase ? "(a baseline)" : "-"),
			ratio, target[i] != "" ? "ratio >=" target[i] : "-", result != "" ? result : "-" >>tsv
		printf fmt, name[i], sprintf("%.0f", med), spread, ms(p50), ms(p95), ms(p99),
			sprintf("%.1fus", median(i SUBSEP "cpu", n)),
			sprintf("%.1fMiB", rss[i] / 1024), bname, ratio,
			target[i] != "" ? ">=" target[i] : "-", result
	}
	print ""
	print "req/s, p50, p95, p99: median of " rounds " rounds; spread: (max - min) / median of req/s;"
	print "cpu/req: the server'"'"'s CPU time (user + system, all threads) per request, median;"
	print "peak RSS: the server'"'"'s VmHWM, " (rss_since == "row" ? "highest of the row'"'"'s runs;" : "since the server started;")
	print "insert loops: req/s is transactions/s; cpu/req and peak RSS are the loop program'"'"'s own;"
	print "ratio: median over rounds of req/s / the baseline'"'"'s req/s in the same round; per round:"
	printf "%s", rounds_line
	print ""
	if (broken)
		print "bench: BROKEN: a row had socket errors, answers with another status than it expects" \
			" (2xx or the one given) or failed transactions; the figures above are not valid"
	else if (!ntarget)
		print "bench: no row has a target"
	else if (npass == ntarget)
		printf "bench: PASS: every target met (%d of %d)\n", npass, ntarget
	else
		printf "bench: FAIL: %d of %d targets missed: %s\n", ntarget - npass, ntarget, failed
	exit broken ? 3 : 0
}' "$TMP/rows" "$TMP/results"
status=$?
set -e
[ -z "$LANDED" ] || printf 'written and found in the database afterwards:\n%s' "$LANDED"
if [ -n "$RAW" ]; then
	# (with the usual modes, not this script's umask)
	(umask 022 && mkdir -p "$RAW" && cat "$TMP/rows" >"$RAW/rows" &&
		cat "$TMP/results" >"$RAW/results") || die "cannot write to $RAW"
	echo "raw results kept in $RAW (rows, results)"
fi
for name in "${!SERVER_LOG[@]}"; do
	n=$(grep -c 'level=\(warn\|error\)' "${SERVER_LOG[$name]}" || true)
	[ "$n" = 0 ] || { echo "note: server $name logged $n warnings or errors:"; grep 'level=\(warn\|error\)' "${SERVER_LOG[$name]}" | head -n 5; }
done
! want_section crm || crm_section
table_print
[ "$status" = 0 ] || exit 1
# A missed target is reported above and is not an error (see the header).
exit 0
