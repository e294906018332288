#!/usr/bin/env bash
# A sharded casus forecast as a Slurm job array, for users without Python.
#
#   N=16
#   jid=$(sbatch --parsable --array=1-$N tools/slurm/sweep-array.sh $N russia-loses-2026 1000000 out --until 2030-12-31)
#   sbatch --dependency=afterok:$jid tools/slurm/sweep-array.sh $N russia-loses-2026 1000000 out --until 2030-12-31
#
# Each array task K runs `casus forecast SCENARIO --runs RUNS --shard K/N` and
# writes OUTDIR/part-K-of-N.json; the same script outside an array (no
# SLURM_ARRAY_TASK_ID, e.g. the dependent job above) runs `casus merge` on the N
# parts and writes OUTDIR/result.json — the bytes `casus forecast … --json`
# prints unsharded. A failed task is rerun alone: `sbatch --array=7 …` with the
# same arguments (N is an argument, not the array's size, for that reason).
# Extra flags (--until, --seed, --params, --world …) go to `casus forecast`;
# give the same ones to the merge job. CASUS (default: casus on PATH) names the binary.
#SBATCH --job-name=casus-shard
#SBATCH --cpus-per-task=2
#SBATCH --time=02:00:00
#SBATCH --output=casus-%A_%a.out
set -euo pipefail
if [ $# -lt 4 ]; then
  echo "usage: sweep-array.sh N SCENARIO RUNS OUTDIR [casus forecast flags…]" >&2
  exit 2
fi
n=$1 scenario=$2 runs=$3 out=$4
shift 4
casus=${CASUS:-casus}
mkdir -p "$out"
if [ -n "${SLURM_ARRAY_TASK_ID:-}" ]; then
  k=$SLURM_ARRAY_TASK_ID
  threads=${SLURM_CPUS_PER_TASK:-1}
  "$casus" forecast "$scenario" --runs "$runs" --threads "$threads" --shard "$k/$n" \
    -o "$out/part-$k-of-$n.json" "$@"
else
  parts=()
  for k in $(seq 1 "$n"); do parts+=("$out/part-$k-of-$n.json"); done
  "$casus" merge --json -o "$out/result.json" "${parts[@]}"
  echo "merged $n parts into $out/result.json"
fi
