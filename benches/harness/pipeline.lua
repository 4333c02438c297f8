-- wrk script: send N pipelined requests per round trip (TechEmpower
-- "plaintext" style), N from the script arguments: wrk -s pipeline.lua URL -- 16
-- wrk counts every response, so its requests/s is responses per second.
-- done() prints one machine-readable line that bench.mjs parses
-- (lib.mjs parseWrkPipeline); durations and latencies are in microseconds.
init = function(args)
  local depth = tonumber(args[1]) or 16
  local r = {}
  for i = 1, depth do r[i] = wrk.format() end
  req = table.concat(r)
end

request = function()
  return req
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
