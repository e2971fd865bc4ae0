#!/usr/bin/env bash
# The course against PyTorch on the same workloads, on this machine, in one go.
#
#   Benchmarks/compare.sh [--install | --python PATH] [--threads 1,2] [--only NAMES] [--rounds N]
#                         [--coretype NAME] [--scratch-path DIR] [--out DIR]
#
# --install creates .venv-bench/ and pip-installs PyTorch for CPU into it (the CPU-only wheel
# index first; PyPI's default wheel, which also pulls several GB of CUDA libraries, only if that
# index is unreachable). --python uses an interpreter that already has torch. Without either, an
# existing .venv-bench/ is used. --coretype NAME sets OPENBLAS_CORETYPE for the course's runs
# (PyTorch does not use OpenBLAS), --coretype auto unsets it so OpenBLAS detects the CPU itself;
# without the option the environment's setting, if any, stands.
#
# For each thread count it runs Benchmarks/torch_ref.py (a verbatim copy of the reference script
# in ../shared/bench) and Benchmarks/torch_recipe.py (the course's own workloads: a training step
# of the deblurgan lesson's recipe), and then the release `benchmarks` executable with the same --only, one right
# after the other, so both see the same machine load; --rounds N (default 1) repeats that N times,
# and each side's time is the median over the rounds, the ratio the median of the rounds' ratios
# (on a shared machine one round can catch a busy minute). Then gen_full_fwd_bwd runs alone in
# each, at the first thread count, for its peak memory (max RSS of the whole process).
# Prints per workload and thread count: PyTorch ms, course ms, course/PyTorch; writes the same
# table as compare.csv and compare.md (with the machine) into --out (default out/bench/).
#
# Exit codes: 0 done; 1 a run failed; 2 usage error or no PyTorch available.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

usage() { awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; }
fail() { echo "compare.sh: $1" >&2; exit "${2:-1}"; }

install=0 python="" threads="1,2" only="" scratch="" out="out/bench" coretype="" rounds=1
while [ $# -gt 0 ]; do
    case "$1" in
        --install) install=1; shift ;;
        --python|--threads|--only|--scratch-path|--out|--coretype|--rounds)
            [ $# -ge 2 ] || fail "$1 needs a value" 2
            case "$1" in
                --python) python="$2" ;; --threads) threads="$2" ;; --only) only="$2" ;;
                --scratch-path) scratch="$2" ;; --out) out="$2" ;; --coretype) coretype="$2" ;;
                --rounds) rounds="$2" ;;
            esac
            shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) fail "unknown argument '$1' (see --help)" 2 ;;
    esac
done
[[ "$threads" =~ ^[1-9][0-9]*(,[1-9][0-9]*)*$ ]] || fail "--threads takes positive integers separated by commas, got '$threads'" 2
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || fail "--rounds takes a positive integer, got '$rounds'" 2
[ "$install" -eq 1 ] && [ -n "$python" ] && fail "--install and --python exclude each other" 2

venv=.venv-bench
if [ "$install" -eq 1 ]; then
    [ -x "$venv/bin/python" ] || python3 -m venv "$venv" \
        || fail "cannot create $venv (on Debian: apt-get install python3-venv)" 2
    "$venv/bin/pip" install -q --upgrade pip >&2 || true
    "$venv/bin/pip" install -q torch --index-url https://download.pytorch.org/whl/cpu >&2 \
        || { echo "compare.sh: the CPU wheel index is unreachable; installing torch from PyPI" >&2
             "$venv/bin/pip" install -q torch >&2; } \
        || fail "pip could not install torch" 2
    python="$venv/bin/python"
elif [ -z "$python" ]; then
    [ -x "$venv/bin/python" ] || fail "no PyTorch: pass --install (creates $venv) or --python PATH" 2
    python="$venv/bin/python"
fi
torch_version=$("$python" -c 'import torch; print(torch.__version__)' 2>/dev/null) \
    || fail "$python cannot import torch (pass --install, or --python with an interpreter that has it)" 2

build=(swift build -c release --product benchmarks)
[ -n "$scratch" ] && build+=(--scratch-path "$scratch")
"${build[@]}" >&2 || fail "the release build of benchmarks failed"
bench="$("${build[@]}" --show-bin-path)/benchmarks"
case "$coretype" in
    "") ;;
    auto) unset OPENBLAS_CORETYPE ;;
    *) export OPENBLAS_CORETYPE="$coretype" ;;  # only the course's runs use OpenBLAS
esac

mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
only_args=(); [ -n "$only" ] && only_args=(--only "$only")

# Validates --only against the course's workload list before spending minutes in PyTorch.
"$bench" "${only_args[@]}" --list >/dev/null || fail "bad --only '$only'" 2

for r in $(seq 1 "$rounds"); do
    for t in ${threads//,/ }; do
        echo "# round $r of $rounds, threads=$t: PyTorch $torch_version" >&2
        "$python" Benchmarks/torch_ref.py --threads "$t" "${only_args[@]}" --csv "$tmp/torch-$t-$r.csv" >&2 \
            || fail "torch_ref.py failed"
        "$python" Benchmarks/torch_recipe.py --threads "$t" "${only_args[@]}" --csv "$tmp/recipe-$t-$r.csv" >&2 \
            || fail "torch_recipe.py failed"
        tail -n +2 "$tmp/recipe-$t-$r.csv" >> "$tmp/torch-$t-$r.csv"
        echo "# round $r of $rounds, threads=$t: course" >&2
        "$bench" --threads "$t" "${only_args[@]}" --csv "$tmp/course-$t-$r.csv" | tee "$tmp/course-$t.txt" >&2 \
            || fail "benchmarks failed"
    done
done

# Peak memory of the generator's forward + backward, each process running that workload alone.
maxrss() { "$python" -c 'import resource, subprocess, sys
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)
sys.exit(r.returncode) if r.returncode else print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$@"; }
rss_torch="" rss_course=""
if [ -z "$only" ] || [[ ",$only," == *",gen_full_fwd_bwd,"* ]]; then
    first=${threads%%,*}
    echo "# max RSS of gen_full_fwd_bwd alone, threads=$first" >&2
    rss_torch=$(maxrss "$python" Benchmarks/torch_ref.py --threads "$first" --only gen_full_fwd_bwd) || fail "torch_ref.py failed"
    rss_course=$(maxrss "$bench" --threads "$first" --only gen_full_fwd_bwd) || fail "benchmarks failed"
fi

core=$(sed -n 's/^# OpenBLAS core: //p' "$tmp/course-${threads%%,*}.txt")
gemm=$(sed -n 's/^# GEMM: //p' "$tmp/course-${threads%%,*}.txt")
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -1)
family=$(sed -n 's/^cpu family[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -1)
[ -n "$family" ] && cpu="$cpu (family $family)"
"$python" - "$tmp" "$out" "$threads" "$rounds" "$torch_version" "${cpu:-unknown CPU}" "$core" "$gemm" "$rss_torch" "$rss_course" <<'PY'
import csv, datetime, os, statistics, sys
tmp, out, threads, rounds, torch_version, cpu, core, gemm, rss_torch, rss_course = sys.argv[1:]
def load(path):
    with open(path) as f: return {(r['workload'], int(r['threads'])): float(r['ms']) for r in csv.DictReader(f)}
torch, course, order = {}, {}, []   # per workload: one time per round
for t in threads.split(','):
    for r in range(1, int(rounds) + 1):
        for side, runs in (('torch', torch), ('course', course)):
            for key, ms in load(f'{tmp}/{side}-{t}-{r}.csv').items():
                runs.setdefault(key, []).append(ms)
                if side == 'course' and key not in order: order.append(key)
rows = []
for key in order:
    p, c = torch.get(key), course[key]
    ratio = statistics.median(ci / pi for ci, pi in zip(c, p)) if p else None
    rows.append(dict(workload=key[0], threads=key[1], pytorch_ms=f'{statistics.median(p):.3f}' if p else '',
                     course_ms=f'{statistics.median(c):.3f}', ratio=f'{ratio:.2f}' if p else ''))
rounds_note = f', median of {rounds} rounds' if rounds != '1' else ''
machine = (f'{cpu}, {os.cpu_count()} cores, GEMM {gemm or "OpenBLAS"}, OpenBLAS core {core}, PyTorch {torch_version}, '
           f'{datetime.date.today().isoformat()}{rounds_note}')
with open(f'{out}/compare.csv', 'w', newline='') as f:
    w = csv.DictWriter(f, fieldnames=list(rows[0])); w.writeheader(); w.writerows(rows)
lines = [f'Machine: {machine}', '', '| workload | threads | PyTorch ms | course ms | course / PyTorch |', '|---|---|---|---|---|']
lines += [f"| `{r['workload']}` | {r['threads']} | {r['pytorch_ms'] or '—'} | {r['course_ms']} | {r['ratio'] or '—'} |" for r in rows]
if rss_torch:
    mt, mc = int(rss_torch) / 1024, int(rss_course) / 1024
    lines += ['', f'Max RSS, gen_full_fwd_bwd alone in each process: PyTorch {mt:.0f} MB, course {mc:.0f} MB (course / PyTorch {mc / mt:.2f})']
    with open(f'{out}/compare-rss.csv', 'w') as f: f.write(f'workload,pytorch_mb,course_mb\ngen_full_fwd_bwd,{mt:.0f},{mc:.0f}\n')
text = '\n'.join(lines) + '\n'
open(f'{out}/compare.md', 'w').write(text)
print(text, end='')
PY
