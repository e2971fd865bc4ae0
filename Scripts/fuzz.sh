#!/usr/bin/env bash
# Fuzzes the course's file readers with libFuzzer: PNG decoding, safetensors parsing, and the
# lesson runner's cache and manifest readers (the harnesses are in Fuzz/).
#
#   Scripts/fuzz.sh                      # 1,000,000 executions of each target
#   RUNS=100000 Scripts/fuzz.sh png      # fewer, one target
#
# Each target starts from its seeds (small valid and broken files, and every earlier crash kept as
# a regression file under Tests/Fixtures/Regressions/<target>/) and grows a corpus in
# Fuzz/work/<target>/corpus. Limits: an input that allocates more than MALLOC_MB in one go (a header
# claiming a huge size), uses more than RSS_MB, or runs longer than TIMEOUT seconds is a finding,
# as is any trap. Findings are written to Fuzz/work/<target>/ (crash-*, oom-*, timeout-*); copy each
# into Tests/Fixtures/Regressions/<target>/ once fixed, so the normal test suite replays it.
#
# Build note: SwiftPM links every executable with its own entry point (`<module>_main`), so the
# usual `-parse-as-library` recipe, which relies on libFuzzer's `main`, fails to link; the
# harnesses start libFuzzer through `LLVMFuzzerRunDriver` instead (Fuzz/CFuzzer).
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${RUNS:-1000000}
malloc_mb=${MALLOC_MB:-512}
rss_mb=${RSS_MB:-2048}
timeout=${TIMEOUT:-10}
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(png safetensors records)
scratch=Fuzz/.build/fuzzer

seeds() {
    case $1 in
        png) echo Tests/Fixtures/Inputs/*.png ;;
        safetensors) echo Tests/Fixtures/Inputs/*.safetensors ;;
        records) echo Fuzz/Seeds/records/*.json ;;
        *) echo "unknown target $1 (targets: png, safetensors, records)" >&2; exit 64 ;;
    esac
}

for target in "${targets[@]}"; do
    seeds "$target" >/dev/null
    swift build --package-path Fuzz -c release --scratch-path "$scratch" --product "fuzz-$target" \
        -Xswiftc -sanitize=fuzzer -Xswiftc -enable-testing 2>&1 | tail -1
done

status=0
for target in "${targets[@]}"; do
    work=Fuzz/work/$target
    mkdir -p "$work/corpus" "$work/seeds" "Tests/Fixtures/Regressions/$target"
    # libFuzzer reads seed folders, not single files.
    cp $(seeds "$target") "$work/seeds/"
    touch "$work/.started"
    log=$work/fuzz.log
    echo "== fuzz-$target: $runs executions (malloc limit $malloc_mb MB, rss limit $rss_mb MB, timeout $timeout s)"
    start=$(date +%s)
    # The Swift runtime's backtracer would catch the crash signal first; libFuzzer must see it to
    # save the input.
    if ! SWIFT_BACKTRACE=enable=no "$scratch/release/fuzz-$target" "$work/corpus" "$work/seeds" \
            "Tests/Fixtures/Regressions/$target" -runs="$runs" -max_len=8192 -malloc_limit_mb="$malloc_mb" \
            -rss_limit_mb="$rss_mb" -timeout="$timeout" -artifact_prefix="$work/" -print_final_stats=1 \
            >"$log" 2>&1; then
        status=1
    fi
    seconds=$(( $(date +%s) - start ))
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log")
    findings=$(find "$work" -maxdepth 1 -newer "$work/.started" \( -name 'crash-*' -o -name 'oom-*' -o -name 'timeout-*' \) | wc -l)
    echo "   ${execs:-?} executions in ${seconds} s (${rate:-?}/s), peak RSS ${rss:-?} MB, corpus $(ls "$work/corpus" | wc -l) files, findings: $findings"
    grep -E '^(==|SUMMARY|MS:|artifact_prefix)|deadly signal|out-of-memory|Slowest unit|Swift runtime failure' "$log" | head -5 || true
done
exit $status
