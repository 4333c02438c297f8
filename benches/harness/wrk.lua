-- wrk script of `howth bench http` (which `make bench` runs):
--   wrk -s wrk.lua URL -- DEPTH [METHOD [CONTENT-TYPE [BODY-FILE]]]
-- DEPTH requests per round trip (TechEmpower "plaintext" style pipelining);
-- empty arguments are left out. At depth 1 the script defines no request()
-- and wrk stays on its fast path (one request built per thread, none handed
-- to Lua); responses are never handed to Lua (no response()). done() prints
-- one machine-readable line (durations and latencies in microseconds). The
-- body file is read in binary mode: it need not be UTF-8.
init = function(args)
  local depth = tonumber(args[1]) or 1
  if args[2] and args[2] ~= "" then wrk.method = args[2] end
  if args[3] and args[3] ~= "" then wrk.headers["Content-Type"] = args[3] end
  if args[4] and args[4] ~= "" then
    local f = assert(io.open(args[4], "rb"))
    wrk.body = f:read("*a")
    f:close()
  end
  if depth > 1 then
    local r = {}
    for i = 1, depth do r[i] = wrk.format() end
    local req = table.concat(r)
    -- wrk asks for request() after init: defined here, it is called per round trip.
    request = function() return req end
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'HOWTH_WRK_JSON {"requests":%.0f,"duration_us":%.0f,"bytes":%.0f,' ..
    '"errors":{"connect":%.0f,"read":%.0f,"write":%.0f,"status":%.0f,"timeout":%.0f},' ..
    '"p50_us":%.0f,"p99_us":%.0f}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
