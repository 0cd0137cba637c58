-- wrk script: POST one image to /v1/detect with an API key. Set by http_bench.sh through env.
local key = os.getenv("FACELOOP_KEY")
local path = os.getenv("FACELOOP_IMAGE")
local file = assert(io.open(path, "rb"))
local body = file:read("*a")
file:close()

wrk.method = "POST"
wrk.path = "/v1/detect"
wrk.body = body
wrk.headers["Content-Type"] = "image/jpeg"
wrk.headers["Authorization"] = "Bearer " .. key

local statuses = {}
function response(status)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency)
  io.write(string.format("http: %.1f requests/s  p50 %.2f ms  p99 %.2f ms  non-2xx or failed %d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, summary.errors.status + summary.errors.connect + summary.errors.timeout))
end
