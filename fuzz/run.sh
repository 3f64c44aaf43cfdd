#!/usr/bin/env bash
# Runs every fuzz target (or the ones named as arguments) for FUZZ_SECONDS each (default
# 600), one after the other, on one core: `fuzz/run.sh`, `FUZZ_SECONDS=300 fuzz/run.sh
# json_parse`. Needs a nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`);
# without them it prints SKIP and exits 0.
#
# Each target starts from fuzz/corpus/<target> (kept between runs, not committed) and the
# committed seeds in fuzz/seeds/<target>; crashes go to fuzz/artifacts/<target>. The exit
# status is 1 when a target crashed. The last libFuzzer status line of each run (total
# executions, cov, ft, corpus) is printed at the end; full logs are in fuzz/logs/.
set -u

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
seconds="${FUZZ_SECONDS:-600}"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(json_parse jwt_token strings hashing)
fi

if ! cargo +nightly --version >/dev/null 2>&1; then
    echo "SKIP: no nightly toolchain (rustup toolchain install nightly)"
    exit 0
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    echo "SKIP: cargo-fuzz is not installed (cargo install cargo-fuzz)"
    exit 0
fi

cd "$here" || exit 1
mkdir -p logs
failed=0
summary=()
for target in "${targets[@]}"; do
    mkdir -p "corpus/$target" "seeds/$target"
    extra=()
    if [ -f "dicts/$target.dict" ]; then
        extra+=("-dict=dicts/$target.dict")
    fi
    log="logs/$target.log"
    echo "== $target: ${seconds}s, log in fuzz/$log"
    # -O -a: optimized, with debug assertions and overflow checks (the crate's
    # debug_assert!s are part of what is checked). One job: the machine is shared.
    # -rss_limit_mb: libFuzzer's default (2 GiB) is the limit a run must stay under.
    cargo +nightly fuzz run -O -a "$target" "corpus/$target" "seeds/$target" -- \
        -max_total_time="$seconds" -print_final_stats=1 "${extra[@]}" >"$log" 2>&1
    status=$?
    last="$(grep -E '^#[0-9]+' "$log" | tail -n 1)"
    crashes="$(find "artifacts/$target" -type f 2>/dev/null | wc -l)"
    summary+=("$target: exit $status, corpus $(find "corpus/$target" -type f | wc -l) files, artifacts $crashes | $last")
    if [ "$status" -ne 0 ]; then
        failed=1
        grep -E 'panicked|ERROR|SUMMARY|artifact_prefix|Test unit written' "$log" | head -n 20
    fi
done

echo "== summary"
printf '%s\n' "${summary[@]}"
exit "$failed"
