#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Installs what brug needs and is missing, and nothing else: Debian packages
# through apt-get, npm packages (front-end assets and browser-test tools)
# through `npm ci` from the committed lockfile. Safe to run again: it only
# acts when something is missing or the lockfile changed.
#
#   scripts/deps.sh build   what `make` and `make run` need
#   scripts/deps.sh test    plus compilers, sanitizers, fuzzers, Chromium
#   scripts/deps.sh bench   plus wrk
set -eu
cd "$(dirname "$0")/.."

purpose=${1:-build}
pkgs="meson ninja-build pkg-config gcc libc6-dev postgresql-client
libmicrohttpd-dev libsqlite3-dev libpq-dev libjansson-dev libsodium-dev
libcurl4-openssl-dev libcmark-gfm-dev libcmark-gfm-extensions-dev libutf8proc-dev
libcsv-dev libstemmer-dev libxlsxwriter-dev
libcmocka-dev tzdata ca-certificates"
case "$purpose" in
build) ;;
test) pkgs="$pkgs clang libclang-rt-14-dev llvm chromium fonts-dejavu-core sqlite3 valgrind curl
	postgresql-15 postgresql-client-15 python3 python3-aiosmtpd slowhttptest" ;;
bench) pkgs="$pkgs wrk curl sqlite3 postgresql-15 postgresql-client-15 python3 time" ;;
*) echo "usage: $0 build|test|bench" >&2; exit 2 ;;
esac
# Node.js and npm: Debian's, unless a Node.js is already installed (which
# then brings its own npm).
command -v node >/dev/null 2>&1 || pkgs="$pkgs nodejs"
command -v npm >/dev/null 2>&1 || pkgs="$pkgs npm"

missing=""
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "brug needs these Debian packages:$missing" >&2
		echo "install them as root (apt-get install$missing) or run this as root" >&2
		exit 1
	fi
	echo "installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# npm packages, from the lockfile, when it changed since the last install.
stamp=node_modules/.brug-lock
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
	echo "installing npm packages from package-lock.json"
	npm ci --no-audit --no-fund --loglevel=error
	echo "$want" >"$stamp"
fi
