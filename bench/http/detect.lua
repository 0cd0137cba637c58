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

function done(summary, latency)
  -- Only answered detections count: a 503 (queue full) is fast and would inflate the rate.
  local failed = summary.errors.status + summary.errors.connect + summary.errors.timeout
  local seconds = summary.duration / 1e6
  io.write(string.format("http: %.1f detections/s (2xx)  p50 %.2f ms  p99 %.2f ms  non-2xx or failed %d of %d\n",
    (summary.requests - failed) / seconds, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    failed, summary.requests))
end
