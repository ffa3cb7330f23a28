#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# A throwaway PostgreSQL cluster for tests: in a temporary folder, on a free
# loopback port, owned by the unprivileged "postgres" user (initdb refuses
# to run as root), with trust authentication on loopback only. Commits are
# synchronous (a crash of the server loses nothing acknowledged, which the
# fault tests check); fsync is off, as only the server process is killed.
#
#   scripts/pg-cluster.sh start DIR   creates and starts it; prints its URL
#   scripts/pg-cluster.sh stop DIR    stops it and removes DIR
#   scripts/pg-cluster.sh restart DIR restarts it (fault tests)
#   scripts/pg-cluster.sh stop-keep DIR / start-again DIR: down and up again
set -eu
cmd=$1 dir=$2
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bin/initdb" ] || { echo "pg-cluster: PostgreSQL server binaries not found" >&2; exit 1; }
as_pg() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}
case "$cmd" in
start)
	mkdir -p "$dir"
	[ "$(id -u)" -eq 0 ] && chown postgres "$dir"
	port=$(python3 "$(dirname "$0")/free-port.py")
	as_pg "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1
	as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
		-o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=300" \
		start >/dev/null || { tail -n 20 "$dir/server.log" >&2; exit 1; }
	echo "$port" >"$dir/port"
	echo "postgres://postgres@127.0.0.1:$port/postgres"
	;;
stop)
	[ -d "$dir/data" ] && as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
	rm -rf "$dir"
	;;
restart | stop-keep | start-again)
	if [ "$cmd" != start-again ]; then
		as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null
	fi
	if [ "$cmd" != stop-keep ]; then
		as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
			-o "-p $(cat "$dir/port") -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=300" \
			start >/dev/null || { tail -n 20 "$dir/server.log" >&2; exit 1; }
	fi
	;;
*)
	echo "usage: $0 start|stop|restart|stop-keep|start-again DIR" >&2
	exit 2
	;;
esac
