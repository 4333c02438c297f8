-- wrk script: the same request as `oha -m METHOD -T TYPE -D FILE`, for the
-- scenarios with a body (echo): wrk -s request.lua URL -- METHOD TYPE FILE
-- No response() or done(): wrk stays on its fast path (one request built per
-- thread, responses not handed to Lua) and prints its usual report, which
-- bench.mjs parses (lib.mjs parseWrk). The file is read in binary mode:
-- the echo body is not UTF-8.
init = function(args)
  wrk.method = args[1] or "POST"
  wrk.headers["Content-Type"] = args[2] or "application/octet-stream"
  local f = assert(io.open(assert(args[3], "request.lua needs a body file"), "rb"))
  wrk.body = f:read("*a")
  f:close()
end
