-- wrk script of bench/floors.sh, the same for ankang-server and the floors so
-- that wrk does the same work against both. FLOORS_MODE in the environment:
--   code    GET /api/v1/persons/{id}/code, round robin over the residents of
--           the file FLOORS_RESIDENTS ("person_id bearer_token" per line);
--   verify  POST /api/v1/verify {"qr": FLOORS_QR} with the bearer token
--           FLOORS_VERIFIER_TOKEN.
-- Keep-alive is asked for explicitly (Pistache closes a connection without it).
-- Counts answers that are not 200 (a benchmark of errors would measure nothing).
local mode = os.getenv("FLOORS_MODE") or "code"

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

local residents = {}
local next_resident = 0
local verify_request

function init(args)
  non200 = 0
  if mode == "code" then
    for line in io.lines(os.getenv("FLOORS_RESIDENTS")) do
      local id, token = line:match("^(%S+)%s+(%S+)")
      if id then
        table.insert(residents, wrk.format("GET", "/api/v1/persons/" .. id .. "/code",
          {["Authorization"] = "Bearer " .. token, ["Connection"] = "keep-alive"}))
      end
    end
    assert(#residents > 0, "no residents in FLOORS_RESIDENTS")
  else
    verify_request = wrk.format("POST", "/api/v1/verify",
      {["Content-Type"] = "application/json",
       ["Authorization"] = "Bearer " .. os.getenv("FLOORS_VERIFIER_TOKEN"),
       ["Connection"] = "keep-alive"},
      '{"qr":"' .. os.getenv("FLOORS_QR") .. '"}')
  end
end

function request()
  if mode == "code" then
    next_resident = next_resident % #residents + 1
    return residents[next_resident]
  end
  return verify_request
end

function response(status, headers, body)
  if status ~= 200 then non200 = non200 + 1 end
end

function done(summary, latency, requests)
  local n = 0
  for _, t in ipairs(threads) do n = n + t:get("non200") end
  io.write(string.format("non-200 answers: %d\n", n))
end
