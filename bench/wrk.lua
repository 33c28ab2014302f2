-- wrk script of `make bench`: GET one target, with an Accept header, and print the figures as
-- one JSON line starting with "BENCH ". Set by the environment:
--   BENCH_TARGET  the path and query string, already percent-encoded
--   BENCH_ACCEPT  the Accept header
--   BENCH_VARY    "1": append a comment unique to each request to the (SPARQL) query string,
--                 so that no two requests are the same query (defeats a result cache)
--   BENCH_RUN     a token unique to this run, part of those comments

local target = os.getenv("BENCH_TARGET")
local vary = os.getenv("BENCH_VARY") == "1"
local run = os.getenv("BENCH_RUN") or "0"
local counter = 0

wrk.method = "GET"
wrk.path = target
wrk.headers["Accept"] = os.getenv("BENCH_ACCEPT")

if vary then
  function request()
    counter = counter + 1
    -- "\n# run-counter": a SPARQL comment, percent-encoded
    return wrk.format(nil, target .. "%0A%23%20" .. run .. "-" .. counter)
  end
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "bytes": %d, "connect_errors": %d, ' ..
    '"read_errors": %d, "write_errors": %d, "non_2xx": %d, "timeouts": %d, ' ..
    '"p50_us": %d, "p99_us": %d, "mean_us": %.1f, "max_us": %d}\n',
    summary.requests, summary.duration, summary.bytes, errors.connect, errors.read,
    errors.write, errors.status, errors.timeout, latency:percentile(50),
    latency:percentile(99), latency.mean, latency.max))
end
