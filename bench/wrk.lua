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
--   BENCH_PATHS_FILE a file of request paths, one a line (optional): each
--                    request takes the next, round robin, each thread
--                    starting at its own place in the list, so requests
--                    to different objects (survey invitations) do not all
--                    wait on one object's lock; without it every request
--                    goes to the URL's path
--   BENCH_EXPECT     a status every response must have, e.g. 201 (optional;
--                    without it, any status below 400 is fine)
-- When wrk is done it prints one machine-readable line for run.sh:
--   BENCH requests=N duration_us=N p50_us=N p95_us=N p99_us=N max_us=N
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

local paths = {}
local paths_file = os.getenv("BENCH_PATHS_FILE") or ""
if paths_file ~= "" then
	for line in io.lines(paths_file) do
		if line ~= "" then
			table.insert(paths, line)
		end
	end
	assert(#paths > 0, "BENCH_PATHS_FILE " .. paths_file .. " has no path")
end

-- A body with @UNIQUE@: its parts around each @UNIQUE@.
local parts
if wrk.body and wrk.body:find("@UNIQUE@", 1, true) then
	parts = {}
	local from = 1
	while true do
		local at = wrk.body:find("@UNIQUE@", from, true)
		table.insert(parts, wrk.body:sub(from, at and at - 1 or -1))
		if not at then break end
		from = at + #"@UNIQUE@"
	end
end

-- Each request built here when it differs from the last: its own text
-- for @UNIQUE@, its own path from the list.
if parts or #paths > 0 then
	local run = os.getenv("BENCH_RUN") or "0"
	local n = 0
	local first -- this thread's place in the path list
	function request()
		n = n + 1
		local path, body
		if #paths > 0 then
			first = first or ((thread_id - 1) * 7919) % #paths
			path = paths[(first + n - 1) % #paths + 1]
		end
		if parts then
			body = table.concat(parts, run .. "." .. thread_id .. "." .. n)
		end
		return wrk.format(nil, path, nil, body)
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
		"BENCH requests=%d duration_us=%d p50_us=%d p95_us=%d p99_us=%d max_us=%d" ..
		" connect=%d read=%d write=%d status=%d timeout=%d unexpected=%d\n",
		summary.requests, summary.duration,
		latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
		e.connect, e.read, e.write, e.status, e.timeout, bad))
end
