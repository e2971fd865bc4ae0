#!/usr/bin/env bash
# Checks that a long training run does not grow in memory: DeblurGAN's quick configuration trains
# for 10·N steps (checkpointing every N) and its resident memory after N steps is compared with the
# memory after 10·N (Fuzz/MemoryGrowth). Exit 1 when it grew by more than the limit.
#
#   Scripts/memory-growth.sh                        # N = 100, limit 16 MB, 1 thread
#   Scripts/memory-growth.sh --steps 300 --threads 2 --limit 8
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --package-path Fuzz -c release --scratch-path Fuzz/.build/plain --product memory-growth 2>&1 | tail -1
Fuzz/.build/plain/release/memory-growth "$@"
