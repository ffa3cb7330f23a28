-- SPDX-License-Identifier: Apache-2.0
-- The wrk script bench/run.sh runs every row with. The request comes from
-- the environment, so one script serves every row:
--   BENCH_METHOD     GET (default), POST, ...
--   BENCH_HEADERS    header lines "Name: value", separated by "|"
--   BENCH_BODY_FILE  a file whose bytes are sent as the body (optional)
-- When wrk is done it prints one machine-readable line for run.sh:
--   BENCH requests=N duration_us=N p50_us=N p99_us=N max_us=N
--         connect=N read=N write=N status=N timeout=N
-- (status counts responses with a status of 400 or more).

wrk.method = os.getenv("BENCH_METHOD") or "GET"
if wrk.method == "" then
	wrk.method = "GET"
end

local headers = os.getenv("BENCH_HEADERS") or ""
for line in headers:gmatch("[^|]+") do
	local name, value = line:match("^%s*([^:]-)%s*:%s*(.-)%s*$")
	if name and name ~= "" then
		wrk.headers[name] = value
	end
end

local body_file = os.getenv("BENCH_BODY_FILE") or ""
if body_file ~= "" then
	local f = assert(io.open(body_file, "rb"))
	wrk.body = f:read("*a")
	f:close()
end

function done(summary, latency, requests)
	local e = summary.errors
	io.write(string.format(
		"BENCH requests=%d duration_us=%d p50_us=%d p99_us=%d max_us=%d" ..
		" connect=%d read=%d write=%d status=%d timeout=%d\n",
		summary.requests, summary.duration,
		latency:percentile(50), latency:percentile(99), latency.max,
		e.connect, e.read, e.write, e.status, e.timeout))
end
