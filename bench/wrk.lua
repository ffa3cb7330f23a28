-- SPDX-License-Identifier: Apache-2.0
-- The wrk script bench/run.sh runs every row with. The request comes from
-- the environment, so one script serves every row:
--   BENCH_METHOD     GET (default), POST, ...
--   BENCH_HEADERS    header lines "Name: value", separated by "|"
--   BENCH_BODY_FILE  a file whose bytes are sent as the body (optional);
--                    each @UNIQUE@ in it is replaced, per request, by a text
--                    no other request of the run gets: "<run>.<thread>.<n>"
--   BENCH_RUN        what makes that text unique across wrk runs (run.sh
--                    numbers its wrk runs)
--   BENCH_EXPECT     a status every response must have, e.g. 201 (optional;
--                    without it, any status below 400 is fine)
-- When wrk is done it prints one machine-readable line for run.sh:
--   BENCH requests=N duration_us=N p50_us=N p99_us=N max_us=N
--         connect=N read=N write=N status=N timeout=N unexpected=N
-- (status counts responses with a status of 400 or more; unexpected those
-- whose status is not BENCH_EXPECT).

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

-- setup runs in the main script for each thread; the other functions run
-- in each thread's own copy of this script, where thread_id and unexpected
-- are that thread's.
local threads = {}
thread_id = 0
unexpected = 0

function setup(thread)
	table.insert(threads, thread)
	thread:set("thread_id", #threads)
end

-- A body with @UNIQUE@: each request built here, with its own text.
if wrk.body and wrk.body:find("@UNIQUE@", 1, true) then
	local parts, from = {}, 1
	while true do
		local at = wrk.body:find("@UNIQUE@", from, true)
		table.insert(parts, wrk.body:sub(from, at and at - 1 or -1))
		if not at then break end
		from = at + #"@UNIQUE@"
	end
	local run = os.getenv("BENCH_RUN") or "0"
	local n = 0
	function request()
		n = n + 1
		return wrk.format(nil, nil, nil,
			table.concat(parts, run .. "." .. thread_id .. "." .. n))
	end
end

local expect = tonumber(os.getenv("BENCH_EXPECT") or "")
if expect then
	function response(status, headers, body)
		if status ~= expect then
			unexpected = unexpected + 1
		end
	end
end

function done(summary, latency, requests)
	local e = summary.errors
	local bad = 0
	for _, t in ipairs(threads) do
		bad = bad + (t:get("unexpected") or 0)
	end
	io.write(string.format(
		"BENCH requests=%d duration_us=%d p50_us=%d p99_us=%d max_us=%d" ..
		" connect=%d read=%d write=%d status=%d timeout=%d unexpected=%d\n",
		summary.requests, summary.duration,
		latency:percentile(50), latency:percentile(99), latency.max,
		e.connect, e.read, e.write, e.status, e.timeout, bad))
end
