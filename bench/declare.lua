-- wrk script: POST /api/v1/declarations for the residents listed in the file
-- $ANKANG_RESIDENTS ("person_id bearer_token" a line), round robin, each
-- thread starting at a different resident. Counts answers that are not 201
-- (a benchmark of refusals would measure nothing).
local residents = {}
for line in io.lines(os.getenv("ANKANG_RESIDENTS")) do
  local person, token = line:match("^(%S+) (%S+)$")
  table.insert(residents, {person = person, token = token})
end

local threads = {}
local next_id = 0
function setup(thread)
  thread:set("first", next_id * 37)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  non201 = 0
  i = first
end

function request()
  i = i + 1
  local r = residents[i % #residents + 1]
  return wrk.format("POST", "/api/v1/declarations", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. r.token,
    ["Connection"] = "keep-alive",
  }, '{"person_id":"' .. r.person .. '","health":{"temperature":36.6,"symptoms":[],' ..
     '"fever_clinic_14d":false},"travel_14d":[],"contact_14d":"none","commitment":true}')
end

function response(status, headers, body)
  if status ~= 201 then non201 = non201 + 1 end
end

function done(summary, latency, requests)
  local n = 0
  for _, t in ipairs(threads) do n = n + t:get("non201") end
  io.write(string.format("non-201 answers: %d\n", n))
end
