#!/bin/sh
# `npm start` and the Docker image's command: the facade with the V8 flags and the allocator the README's Benchmark
# measured. jemalloc (Debian's libjemalloc2) is preloaded when it is installed: under glibc's allocator the response
# bodies a full cache had evicted stayed resident after they were freed, about 100 MiB more after the memory row's
# load (README, Benchmark). An LD_PRELOAD the caller set is kept as it is.
jemalloc="/usr/lib/$(uname -m)-linux-gnu/libjemalloc.so.2"
if [ -z "${LD_PRELOAD:-}" ] && [ -r "$jemalloc" ]; then
  export LD_PRELOAD="$jemalloc"
fi
exec node --max-semi-space-size=8 src/main.ts "$@"
