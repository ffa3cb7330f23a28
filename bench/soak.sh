#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# `make soak`: brug serve (the release build) under a mixed, realistic load
# for SOAK_SECONDS, checking that it holds: no error responses, no growth
# in memory after the warm-up, latency percentiles per kind of request.
# Not part of `make test` (it takes ten minutes by default).
#
#   bench/soak.sh BUILD_DIR      BUILD_DIR holds brug and bench/bench_crm
#
# What it does: a throw-away database (SQLite, or with SOAK_BACKEND=pg a
# throw-away PostgreSQL cluster by scripts/pg-cluster.sh), brug init, an
# API token, a session cookie from the login form, a relation with 200
# timeline items and an active survey with 1,000 sent invitations
# (bench_crm timeline/answers), a person; then `brug serve` (access log
# off: a soak of the service, not of log writing) and one wrk per kind of
# request of bench/soak.lua at the same time, for SOAK_SECONDS:
#   pages 6 connections, api_reads 6, answers 4, api_writes 3, search 3,
#   dashboard 2 (24 in all: the common kinds get more)
# The writes grow the database all along (people and interactions, each
# indexed for search), as a real day does.
#
# Checks (exit 1 when one fails, with what failed):
# - every response of every kind is 2xx or 3xx, and wrk saw no socket
#   error (connect, read, write, timeout of 10 s);
# - the server is alive at the end and /readyz answers 200;
# - memory: the server's VmRSS is sampled every SOAK_SAMPLE seconds (5);
#   the samples after the first 20% (the warm-up: thread arenas, SQLite's
#   page caches and prepared statements fill up) are fitted with a least
#   squares line, whose slope must stay under SOAK_MAX_SLOPE KiB per
#   minute (512). Why that bound: in a steady state nothing in brug grows
#   with the requests served (per-request arenas are freed with the
#   request, SQLite's page cache is capped per connection, the prepared
#   statement cache holds one entry per SQL text), so the slope of a
#   healthy server is noise around 0; the soak serves about 1,000 or more
#   requests a second on two shared cores, so a leak of 10 bytes per
#   request is already above 0.5 MiB a minute, and a leak that small would
#   cost 860 MiB over a day of full load. The figure is also printed as
#   bytes per request.
# It prints, per kind: requests, req/s, p50, p90, p95, p99, max, errors;
# and the RSS at the start, after the warm-up, at the end, the peak and
# the slope.
#
# Settings (environment): SOAK_SECONDS (600), SOAK_BACKEND (sqlite | pg),
# SOAK_SAMPLE (5, seconds), SOAK_MAX_SLOPE (512, KiB per minute),
# SOAK_KEEP (a folder to copy the RSS samples and server log to).
# shellcheck disable=SC2317 # cleanup is called by trap
set -euo pipefail

BUILD=${1:?usage: bench/soak.sh BUILD_DIR}
DURATION=${SOAK_SECONDS:-600}
BACKEND=${SOAK_BACKEND:-sqlite}
SAMPLE=${SOAK_SAMPLE:-5}
MAX_SLOPE=${SOAK_MAX_SLOPE:-512}
KEEP=${SOAK_KEEP:-}
HERE=$(cd "$(dirname "$0")" && pwd)
BRUG=$BUILD/brug
CRM=$BUILD/bench/bench_crm
LUA=$HERE/soak.lua
# kind:connections
KINDS="pages:6 api_reads:6 answers:4 api_writes:3 search:3 dashboard:2"

die() { echo "soak: $*" >&2; exit 1; }
for f in "$BRUG" "$CRM"; do [ -x "$f" ] || die "$f is missing: build $BUILD first"; done
for c in wrk curl python3; do command -v "$c" >/dev/null || die "$c is missing (scripts/deps.sh bench)"; done
if ! [[ $DURATION =~ ^[0-9]+$ ]] || [ "$DURATION" -lt 10 ]; then die "SOAK_SECONDS must be a whole number >= 10"; fi
if ! [[ $SAMPLE =~ ^[0-9]+$ ]] || [ "$SAMPLE" -lt 1 ]; then die "SOAK_SAMPLE must be a whole number >= 1"; fi
[[ $MAX_SLOPE =~ ^[0-9]+$ ]] || die "SOAK_MAX_SLOPE must be a whole number (KiB per minute)"
# a developer's BRUG_* and PG* settings must not change what is soaked
while read -r v; do unset "$v"; done < <(compgen -e | grep -E '^(BRUG_|PG)' || true)

umask 077
TMP=$(mktemp -d "${TMPDIR:-/tmp}/brug-soak.XXXXXX")
SERVER_PID="" SAMPLER_PID="" PG_DIR=""
WRK_PIDS=()

# Everything this script started, and nothing else, by process id.
cleanup() {
	local status=$?
	trap - EXIT INT TERM
	local p
	for p in "${WRK_PIDS[@]}" $SAMPLER_PID; do kill "$p" 2>/dev/null || true; done
	if [ -n "$SERVER_PID" ]; then
		kill -TERM "$SERVER_PID" 2>/dev/null || true
		for _ in $(seq 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$SERVER_PID" 2>/dev/null || true
		wait "$SERVER_PID" 2>/dev/null || true
	fi
	if [ -n "$PG_DIR" ]; then "$HERE/../scripts/pg-cluster.sh" stop "$PG_DIR" || true; fi
	rm -rf "$TMP"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- the database and what the load needs ----------------------------------

case $BACKEND in
sqlite) DB=sqlite:$TMP/soak.db ;;
pg)
	command -v psql >/dev/null || die "psql is missing (scripts/deps.sh bench)"
	[ "$(id -u)" != 0 ] || chmod 711 "$TMP"
	PG_DIR=$TMP/pg
	admin=$("$HERE/../scripts/pg-cluster.sh" start "$PG_DIR") || die "the PostgreSQL cluster did not start"
	psql "$admin" -Xq -v ON_ERROR_STOP=1 -c "CREATE DATABASE soak" >/dev/null || die "CREATE DATABASE failed"
	DB=${admin%/*}/soak
	;;
*) die "SOAK_BACKEND must be sqlite or pg, not '$BACKEND'" ;;
esac

EMAIL=soak@example.com PASSWORD=soak-pass-1
"$BRUG" init --db "$DB" --org Soak --admin-email "$EMAIL" --admin-password "$PASSWORD" \
	>"$TMP/init.out" 2>&1 || { cat "$TMP/init.out" >&2; die "brug init failed"; }
TOKEN=$("$BRUG" token create --db "$DB" --email "$EMAIL" 2>"$TMP/token.err") ||
	{ cat "$TMP/token.err" >&2; die "brug token create failed"; }
REL=$("$CRM" timeline "$DB" 200 2>"$TMP/crm.err") || { cat "$TMP/crm.err" >&2; die "bench_crm timeline failed"; }
"$CRM" answers "$DB" 1000 2>"$TMP/crm.err" | sed 's|^|/s/|' >"$TMP/answer-paths"
[ -s "$TMP/answer-paths" ] || { cat "$TMP/crm.err" >&2; die "bench_crm answers failed"; }

"$BRUG" serve --db "$DB" --listen 127.0.0.1:0 --access-log false >"$TMP/serve.out" 2>"$TMP/serve.log" &
SERVER_PID=$!
PORT=""
for _ in $(seq 100); do
	PORT=$(sed -n 's|.*listening on http://[^ ]*:\([0-9]*\)/.*|\1|p' "$TMP/serve.out" | head -n 1)
	[ -n "$PORT" ] && break
	kill -0 "$SERVER_PID" 2>/dev/null || break
	sleep 0.1
done
[ -n "$PORT" ] || { tail -n 20 "$TMP/serve.log" >&2; die "brug serve did not start"; }
BASE=http://127.0.0.1:$PORT

# json_field FIELD: the field of the JSON object on stdin (or of its first
# item when it holds a list under "items"/"surveys")
json_id() {
	python3 -c 'import json, sys
d = json.load(sys.stdin)
for k in ("items", "surveys", "data"):
    if isinstance(d, dict) and isinstance(d.get(k), list) and d[k]:
        d = d[k][0]
        break
print(d["id"])'
}
api() { # METHOD PATH [JSON]
	curl -sS -f -X "$1" -H "Authorization: Bearer $TOKEN" -H 'Accept: application/json' \
		${3:+-H 'Content-Type: application/json' --data-binary "$3"} "$BASE/api/v1$2"
}
PERSON=$(api POST /relations '{"kind":"person","given_name":"Saskia","family_name":"Soak","emails":[{"value":"saskia@example.com"}]}' | json_id) ||
	die "cannot create a person"
SURVEY=$(api GET /surveys | json_id) || die "cannot find the survey"

# a browser's session: the login form's CSRF token, then the form
curl -sS -c "$TMP/jar" "$BASE/login" >"$TMP/login.html" || die "GET /login failed"
CSRF=$(sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' "$TMP/login.html" | head -n 1)
[ -n "$CSRF" ] || die "the login page has no _csrf field"
code=$(curl -sS -o /dev/null -w '%{http_code}' -b "$TMP/jar" -c "$TMP/jar" \
	--data-urlencode "_csrf=$CSRF" --data-urlencode "email=$EMAIL" \
	--data-urlencode "password=$PASSWORD" --data-urlencode "next=/" "$BASE/login")
[ "$code" = 303 ] || die "login answered $code, not 303"
COOKIE=$(awk '$6 == "brug_session" { print $6 "=" $7 }' "$TMP/jar")
[ -n "$COOKIE" ] || die "login set no brug_session cookie"

# ---- the load ----------------------------------------------------------------

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$SERVER_PID/status" 2>/dev/null; }
sampler() {
	local t0 now
	t0=$(date +%s.%N)
	while kill -0 "$SERVER_PID" 2>/dev/null; do
		now=$(date +%s.%N)
		echo "$(awk -v a="$now" -v b="$t0" 'BEGIN { printf "%.1f", a - b }') $(rss_kb)"
		sleep "$SAMPLE"
	done
}

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
echo "soak: $BACKEND, ${DURATION}s, $KINDS (kind:connections), RSS every ${SAMPLE}s" >&2
sampler >"$TMP/rss" &
SAMPLER_PID=$!
for kc in $KINDS; do
	kind=${kc%%:*} conns=${kc#*:}
	SOAK_KIND=$kind SOAK_TOKEN=$TOKEN SOAK_COOKIE=$COOKIE SOAK_REL=$REL SOAK_PERSON=$PERSON \
		SOAK_SURVEY=$SURVEY SOAK_PATHS=$TMP/answer-paths SOAK_RUN=$$ \
		wrk -t1 -c"$conns" -d"${DURATION}s" --timeout 10s -s "$LUA" "$BASE" \
		>"$TMP/wrk-$kind.out" 2>"$TMP/wrk-$kind.err" &
	WRK_PIDS+=($!)
done
failed=""
for i in "${!WRK_PIDS[@]}"; do
	wait "${WRK_PIDS[$i]}" || failed+=" wrk#$i"
done
WRK_PIDS=()
kill "$SAMPLER_PID" 2>/dev/null || true
wait "$SAMPLER_PID" 2>/dev/null || true
SAMPLER_PID=""
[ -z "$failed" ] || { cat "$TMP"/wrk-*.err >&2; die "wrk failed:$failed"; }

# ---- the checks --------------------------------------------------------------

problems=()
kill -0 "$SERVER_PID" 2>/dev/null || problems+=("brug serve died during the soak")
ready=$(curl -sS -o /dev/null -w '%{http_code}' "$BASE/readyz" 2>/dev/null || true)
[ "$ready" = 200 ] || problems+=("/readyz answered '$ready' after the soak, not 200")

echo
echo "soak: brug serve on $BACKEND for ${DURATION}s, $(nproc) cores, load average $LOAD_START at" \
	"the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end; commit" \
	"$(git -C "$HERE" rev-parse --short HEAD 2>/dev/null || echo '?')"
cat "$TMP"/wrk-*.out | grep '^SOAK ' >"$TMP/soak" || die "wrk printed no SOAK line"
total=$(awk -v d="$DURATION" '
function ms(us) { return us < 1000 ? sprintf("%.2fms", us / 1000) : us < 1e6 ? sprintf("%.1fms", us / 1000) : sprintf("%.2fs", us / 1e6) }
BEGIN {
	printf "%-11s %9s %7s %8s %8s %8s %8s %8s %7s %7s\n", "kind", "requests", "req/s", "p50",
		"p90", "p95", "p99", "max", "non2/3xx", "sockerr" > "/dev/stderr"
}
{
	delete v
	for (f = 2; f <= NF; f++) { split($f, kv, "="); v[kv[1]] = kv[2] }
	sock = v["connect"] + v["read"] + v["write"] + v["timeout"]
	printf "%-11s %9d %7.0f %8s %8s %8s %8s %8s %7d %7d\n", v["kind"], v["requests"],
		v["requests"] / (v["duration_us"] / 1e6), ms(v["p50_us"]), ms(v["p90_us"]),
		ms(v["p95_us"]), ms(v["p99_us"]), ms(v["max_us"]), v["bad"], sock > "/dev/stderr"
	n += v["requests"]; bad += v["bad"]; socks += sock
}
END { printf "%d %d %d\n", n, bad, socks }' "$TMP/soak" 2>&1 >"$TMP/total")
echo "$total"
read -r nreq nbad nsock <"$TMP/total"
[ "$nbad" = 0 ] || problems+=("$nbad responses were not 2xx/3xx (first ones: $(cat "$TMP"/wrk-*.err | head -n 3 | tr '\n' ' '))")
[ "$nsock" = 0 ] || problems+=("$nsock socket errors (connect, read, write or timeout)")

# memory: least squares over the samples after the warm-up
mem=$(awk -v d="$DURATION" -v max="$MAX_SLOPE" -v nreq="$nreq" '
NF == 2 && $2 != "" {
	t[++n] = $1; r[n] = $2
	if ($2 > peak) peak = $2
}
END {
	warm = 0.2 * d
	for (i = 1; i <= n; i++) if (t[i] >= warm) {
		if (!m) first = r[i]
		m++; sx += t[i]; sy += r[i]; sxx += t[i] * t[i]; sxy += t[i] * r[i]; last = r[i]
	}
	if (m < 3) { print "too few RSS samples after the warm-up (" m ")"; exit 2 }
	slope = (m * sxy - sx * sy) / (m * sxx - sx * sx) * 60 # KiB per minute
	rate = nreq / d
	printf "RSS: %.1f MiB at the start, %.1f MiB after the warm-up (%.0fs), %.1f MiB at the end," \
		" peak %.1f MiB; slope after the warm-up %+.1f KiB/min over %d samples" \
		" (%+.2f bytes per request at %.0f req/s); bound %d KiB/min: %s\n",
		r[1] / 1024, first / 1024, warm, last / 1024, peak / 1024, slope, m,
		(rate > 0 ? slope * 1024 / 60 / rate : 0), rate, max, (slope < max ? "ok" : "GROWING")
	exit slope < max ? 0 : 1
}' "$TMP/rss") && mem_ok=1 || mem_ok=0
echo "$mem"
[ "$mem_ok" = 1 ] || problems+=("memory: $mem")

n=$(grep -c 'level=\(warn\|error\)' "$TMP/serve.log" || true)
[ "$n" = 0 ] || { echo "note: brug serve logged $n warnings or errors:"; grep 'level=\(warn\|error\)' "$TMP/serve.log" | sort | uniq -c | sort -rn | head -n 5; }
if [ -n "$KEEP" ]; then
	(umask 022 && mkdir -p "$KEEP" && cp "$TMP/rss" "$TMP/serve.log" "$TMP/soak" "$KEEP/") ||
		die "cannot write to $KEEP"
	echo "RSS samples, server log and SOAK lines kept in $KEEP"
fi
if [ ${#problems[@]} -gt 0 ]; then
	printf 'soak: FAIL: %s\n' "${problems[@]}"
	exit 1
fi
echo "soak: PASS: $nreq requests, none failed, no socket error, memory flat after the warm-up"
