-- wrk script: POST /api/v1/verify with a real token and a verifier's bearer
-- token, both passed in the environment by bench/verify.sh. Counts answers
-- that are not 200 (a benchmark of errors would measure nothing).
wrk.method = "POST"
wrk.body = '{"qr":"' .. os.getenv("ANKANG_QR") .. '"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("ANKANG_VERIFIER_TOKEN")
-- Keep-alive for both servers (Pistache closes a connection without this header).
wrk.headers["Connection"] = "keep-alive"

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non200 = 0
end

function response(status, headers, body)
  if status ~= 200 then non200 = non200 + 1 end
end

function done(summary, latency, requests)
  local n = 0
  for _, t in ipairs(threads) do n = n + t:get("non200") end
  io.write(string.format("non-200 answers: %d\n", n))
end
