-- wrk script: detect.lua with a pause between a connection's requests (FACELOOP_DELAY_MS), so the
-- offered rate is about connections / (latency + pause): a fixed fraction of the peak, for latency
-- under realistic (not saturating) load.
dofile(os.getenv("FACELOOP_BENCH_DIR") .. "/detect.lua")
local pause = tonumber(os.getenv("FACELOOP_DELAY_MS"))

function delay()
  return pause
end
