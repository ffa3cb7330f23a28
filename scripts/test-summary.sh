#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Prints the last line CI reads: "N passed, N failed" over every test of the
# last `meson test` run in BUILD (from its JSON log), with the failed names.
set -eu
# the newest log: testlog.json, or testlog-<setup>.json after --setup
log=$(ls -t "${1:-build-test}"/meson-logs/testlog*.json 2>/dev/null | head -n 1)
if [ -z "$log" ] || [ ! -f "$log" ]; then
	echo "0 passed, 1 failed (no test log: the build failed)"
	exit 0
fi
python3 - "$log" <<'PY'
import json, sys
passed, failed = 0, []
for line in open(sys.argv[1]):
    t = json.loads(line)
    if t["result"] in ("OK", "EXPECTEDFAIL"):
        passed += 1
    else:
        failed.append(f'{t["name"]} ({t["result"]})')
for name in failed:
    print("failed:", name)
print(f"{passed} passed, {len(failed)} failed")
PY
