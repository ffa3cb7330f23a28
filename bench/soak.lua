-- SPDX-License-Identifier: Apache-2.0
-- The wrk script of `make soak` (bench/soak.sh): the mix of requests a day
-- at brug brings, one kind of request per wrk process, so wrk's own
-- latency histogram gives each kind's percentiles. soak.sh runs one wrk per
-- kind at the same time, with more connections for the common kinds; the
-- server sees them all mixed. A kind's requests rotate over its list:
--   pages      a signed-in browser (session cookie): home, relation list,
--              a relation page, interactions, the dashboard, search, surveys
--   api_reads  an API token: me, relations, a relation, interactions
--   answers    the public answer form, POST /s/{token} over many invitations
--   api_writes an API token: create a person, log an interaction
--   search     an API token: search with words that match and that do not
--   dashboard  an API token: the organisation's and a survey's results
-- From the environment: SOAK_KIND, SOAK_TOKEN, SOAK_COOKIE ("name=value"),
-- SOAK_REL (a relation id with a timeline), SOAK_PERSON (a person id),
-- SOAK_SURVEY (a survey id), SOAK_PATHS (a file of /s/{token} paths),
-- SOAK_RUN (makes written names unique across runs).
-- When done it prints one line for soak.sh:
--   SOAK kind=K requests=N duration_us=N p50_us=N p90_us=N p95_us=N
--        p99_us=N max_us=N bad=N connect=N read=N write=N timeout=N
-- bad counts responses whose status is not 2xx or 3xx.

local kind = os.getenv("SOAK_KIND") or ""
local token = os.getenv("SOAK_TOKEN") or ""
local cookie = os.getenv("SOAK_COOKIE") or ""
local rel = os.getenv("SOAK_REL") or "1"
local person = os.getenv("SOAK_PERSON") or "1"
local survey = os.getenv("SOAK_SURVEY") or "1"
local run = os.getenv("SOAK_RUN") or "0"

local bearer = { ["Authorization"] = "Bearer " .. token, ["Accept"] = "application/json" }
local browser = { ["Cookie"] = cookie, ["Accept"] = "text/html",
	["Accept-Language"] = "nl-NL,nl;q=0.9,en;q=0.5" }
local json_post = { ["Authorization"] = "Bearer " .. token, ["Accept"] = "application/json",
	["Content-Type"] = "application/json" }
local form_post = { ["Content-Type"] = "application/x-www-form-urlencoded",
	["Accept"] = "text/html" }

local words = { "monteur", "factuur", "storing", "warmtepomp", "afspraak", "klacht",
	"onderhoud", "Utrecht", "thermostaat", "xyzzyplover", "garan", "Soak" }

-- the kinds: each a function of n (the thread's request number) that
-- returns method, path, headers, body
local kinds = {
	pages = function(n)
		local list = { "/", "/relations", "/relations/" .. rel, "/interactions", "/results",
			"/search?q=" .. words[n % #words + 1], "/surveys", "/relations/" .. person }
		return "GET", list[n % #list + 1], browser, nil
	end,
	api_reads = function(n)
		local list = { "/api/v1/me", "/api/v1/relations", "/api/v1/relations/" .. rel,
			"/api/v1/interactions" }
		return "GET", list[n % #list + 1], bearer, nil
	end,
	answers = nil, -- below: needs the paths file
	api_writes = function(n)
		local u = run .. "." .. thread_id .. "." .. n
		if n % 2 == 0 then
			return "POST", "/api/v1/relations", json_post, string.format(
				'{"kind":"person","given_name":"Soak","family_name":"Klant %s",' ..
				'"emails":[{"value":"soak%s@example.com"}]}', u, u)
		end
		return "POST", "/api/v1/interactions", json_post, string.format(
			'{"person_id":%s,"channel":"phone","subject":"Soak belt over factuur %s",' ..
			'"summary":"Monteur komt dinsdag langs voor onderhoud (%s)."}', person, u, u)
	end,
	search = function(n)
		return "GET", "/api/v1/search?q=" .. words[n % #words + 1], bearer, nil
	end,
	dashboard = function(n)
		local list = { "/api/v1/results", "/api/v1/surveys/" .. survey .. "/results" }
		return "GET", list[n % #list + 1], bearer, nil
	end,
}

local paths = {}
local paths_file = os.getenv("SOAK_PATHS") or ""
if kind == "answers" then
	for line in io.lines(paths_file) do
		if line ~= "" then
			table.insert(paths, line)
		end
	end
	assert(#paths > 0, "SOAK_PATHS " .. paths_file .. " has no path")
	kinds.answers = function(n)
		local first = ((thread_id - 1) * 7919) % #paths
		local body = "a.nps=" .. (n % 11) .. "&a.reason=Snelle+monteur+maar+factuur+" .. run .. "." .. n
		return "POST", paths[(first + n - 1) % #paths + 1], form_post, body
	end
end
assert(kinds[kind], "SOAK_KIND must be one of pages, api_reads, answers, api_writes, search, dashboard")

local threads = {}
thread_id = 0
bad = 0
local n = 0

function setup(thread)
	table.insert(threads, thread)
	thread:set("thread_id", #threads)
end

function request()
	n = n + 1
	local method, path, headers, body = kinds[kind](n)
	return wrk.format(method, path, headers, body)
end

function response(status, headers, body)
	if status < 200 or status >= 400 then
		bad = bad + 1
		if bad <= 3 then
			io.stderr:write(string.format("soak %s: status %d: %s\n", kind, status,
				(body or ""):sub(1, 200)))
		end
	end
end

function done(summary, latency, requests)
	local e = summary.errors
	local b = 0
	for _, t in ipairs(threads) do
		b = b + (t:get("bad") or 0)
	end
	io.write(string.format(
		"SOAK kind=%s requests=%d duration_us=%d p50_us=%d p90_us=%d p95_us=%d p99_us=%d" ..
		" max_us=%d bad=%d connect=%d read=%d write=%d timeout=%d\n",
		kind, summary.requests, summary.duration, latency:percentile(50),
		latency:percentile(90), latency:percentile(95), latency:percentile(99), latency.max,
		b, e.connect, e.read, e.write, e.timeout))
end
