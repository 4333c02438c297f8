-- wrk script of `howth bench http` (which `make bench` runs):
--   wrk -s wrk.lua URL -- DEPTH [METHOD [CONTENT-TYPE [BODY-FILE [MIX]]]]
-- DEPTH requests per round trip (TechEmpower "plaintext" style pipelining);
-- empty arguments are left out. At depth 1 the script defines no request()
-- and wrk stays on its fast path (one request built per thread, none handed
-- to Lua); responses are never handed to Lua (no response()). done() prints
-- one machine-readable line (durations and latencies in microseconds). The
-- body file is read in binary mode: it need not be UTF-8.
--
-- MIX replaces the one fixed request with a generated one per request, for the
-- HttpArena-style profiles of `make bench-arena` (benches/apps/arena.ts): values
-- are random so no answer can be cached. The URL's path is not used then.
--   baseline  GET /baseline11?a=A&b=B, and POSTs of a body C with Content-Length
--             and chunked, one third each
--   limited   baseline, with every 10th request asking to close its connection
--             (wrk reconnects), so connections serve about 10 requests each
--   json      GET /json/N?m=M, N in 1..50, M in 1..10
--   upload    POST /upload of 500 KB, 2 MB, 10 MB and 20 MB bodies in turn
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
  math.randomseed(os.time())
  local mix = args[5]
  if mix and mix ~= "" then
    request = assert(MIXES[mix], "unknown request mix " .. mix)()
  end
end

local function baseline_request(close)
  local a, b = math.random(1, 1000), math.random(1, 1000)
  local path = "/baseline11?a=" .. a .. "&b=" .. b
  local headers = { Host = wrk.host }
  if close then headers["Connection"] = "close" end
  local kind = math.random(1, 3)
  if kind == 1 then return wrk.format("GET", path, headers) end
  local c = tostring(math.random(1, 1000))
  if kind == 2 then return wrk.format("POST", path, headers, c) end
  -- Chunked by hand: wrk.format always adds Content-Length to a body.
  local head = "POST " .. path .. " HTTP/1.1\r\nHost: " .. wrk.host .. "\r\n"
  if close then head = head .. "Connection: close\r\n" end
  return head .. "Transfer-Encoding: chunked\r\n\r\n" ..
    string.format("%x", #c) .. "\r\n" .. c .. "\r\n0\r\n\r\n"
end

-- Each entry returns the request() function of its mix.
MIXES = {
  baseline = function()
    return function() return baseline_request(false) end
  end,
  limited = function()
    local n = 0
    return function()
      n = n + 1
      return baseline_request(n % 10 == 0)
    end
  end,
  json = function()
    return function()
      return wrk.format("GET", "/json/" .. math.random(1, 50) .. "?m=" .. math.random(1, 10), { Host = wrk.host })
    end
  end,
  upload = function()
    local reqs, i = {}, 0
    for _, size in ipairs({ 500 * 1000, 2 * 1000 * 1000, 10 * 1000 * 1000, 20 * 1000 * 1000 }) do
      reqs[#reqs + 1] = wrk.format("POST", "/upload",
        { Host = wrk.host, ["Content-Type"] = "application/octet-stream" }, string.rep("x", size))
    end
    return function()
      i = i % #reqs + 1
      return reqs[i]
    end
  end,
}

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
