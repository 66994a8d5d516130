#!/usr/bin/env bash
# Submits a sharded `filtermine extract` to Slurm: an array job with one shard per task
# (extract-cpu.sbatch or extract-gpu.sbatch) and a merge job (merge.sbatch) that runs once every
# shard has succeeded. Rerunning a shard resumes it: chunks it finished before are kept.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: scripts/slurm/submit.sh --out DIR --shards N [--gpu] [--tasks LIST] [--after JOBS] [--k LIST]
                               [--logs DIR] [--dry-run] [--SBATCH-OPTION=VALUE ...] -- EXTRACT-OPTIONS

  --out DIR        the run folder, shared by every shard (on a file system every node sees)
  --shards N       number of shards: array tasks 0..N-1, shard i takes chunks c with c % N == i
  --gpu            the GPU variant (extract-gpu.sbatch); default the CPU one (extract-cpu.sbatch)
  --tasks LIST     submit only these array tasks, e.g. 2 or 1,3 (to rerun shards that failed or
                   were cancelled); Slurm's throttle works too: 0-99%10 runs at most 10 at once
  --after JOBS     the merge also waits for these jobs (comma-separated ids) to end, e.g. the
                   array whose task you are resubmitting while its other tasks still run
  --k LIST         k values of the transaction tables (default: extract's 5,10,25)
  --logs DIR       where the job logs go (default: DIR/slurm)
  --dry-run        print the sbatch commands instead of running them
  --NAME=VALUE     any other option before "--" goes to sbatch for both jobs,
                   e.g. --partition=short --time=02:00:00 --account=proj42

EXTRACT-OPTIONS are filtermine extract's (--model, --layer, --data, --limit, --batch, --chunk, ...),
the same for every shard and every resubmission; --out, --k and --shard are set by this script.
USAGE
}

die() { echo "submit.sh: $*" >&2; exit 2; }

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out='' shards='' tasks='' after='' ks='' logs='' variant=extract-cpu.sbatch dry=0
sbatch_opts=()
while (($#)); do
  case $1 in
    --out) out=${2:?--out needs a folder}; shift 2 ;;
    --shards) shards=${2:?--shards needs a number}; shift 2 ;;
    --tasks) tasks=${2:?--tasks needs a list}; shift 2 ;;
    --after) after=${2:?--after needs job ids}; shift 2 ;;
    --k) ks=${2:?--k needs a list}; shift 2 ;;
    --logs) logs=${2:?--logs needs a folder}; shift 2 ;;
    --gpu) variant=extract-gpu.sbatch; shift ;;
    --dry-run) dry=1; shift ;;
    -h | --help) usage; exit 0 ;;
    --) shift; break ;;
    --*=*) sbatch_opts+=("$1"); shift ;;
    *) usage >&2; die "unknown argument '$1' (sbatch options go as --name=value; extract's options after --)" ;;
  esac
done
extract_args=("$@")

[[ -n $out ]] || { usage >&2; die '--out DIR is required'; }
[[ $shards =~ ^[1-9][0-9]*$ ]] || die "--shards must be a positive integer, got '$shards'"
[[ -z $after || $after =~ ^[0-9]+(,[0-9]+)*$ ]] || die "--after must be comma-separated job ids, got '$after'"
[[ -z $tasks || $tasks =~ ^[0-9,%-]+$ ]] || die "--tasks must be an array index list like 2 or 0-3 or 1,3, got '$tasks'"
for a in "${extract_args[@]}"; do
  case $a in
    --out | --out=* | --shard | --shard=* | --k | --k=* | --workers | --workers=* | --no-merge)
      die "extract option '$a' is set by this script (use submit.sh's own --out/--k; shards replace --workers)" ;;
  esac
done
((${#extract_args[@]})) || die 'no extract options after -- (at least --model)'
[[ -f $root/dist/src/cli/main.js ]] || die "$root/dist/src/cli/main.js does not exist: run npm run build in $root first"
command -v sbatch >/dev/null 2>&1 || ((dry)) || die 'sbatch is not on PATH (run this on a Slurm login node)'

out=$(realpath -m -- "$out")
logs=$(realpath -m -- "${logs:-$out/slurm}")
array=${tasks:-0-$((shards - 1))}
k_args=()
[[ -z $ks ]] || k_args=(--k "$ks")

# Every job runs this clone's dist/ with the shard count of the whole run (a resubmitted single
# task cannot infer it from its array).
export FILTERMINE_ROOT=$root FILTERMINE_SHARDS=$shards

submit() {
  if ((dry)); then
    printf '%q ' sbatch "$@" >&2
    echo >&2
    echo "DRY$RANDOM"
  else
    local id
    id=$(sbatch --parsable "$@")
    echo "${id%%;*}"
  fi
}

((dry)) || mkdir -p "$logs" "$out"
shard_job=$(submit --array="$array" --output="$logs/shard-%A_%a.out" "${sbatch_opts[@]}" \
  "$root/scripts/slurm/$variant" "${extract_args[@]}" --out "$out" "${k_args[@]}")
dependency=afterok:$shard_job
for j in ${after//,/ }; do dependency+=",afterany:$j"; done
merge_job=$(submit --dependency="$dependency" --kill-on-invalid-dep=yes --output="$logs/merge-%j.out" "${sbatch_opts[@]}" \
  "$root/scripts/slurm/merge.sbatch" --out "$out" "${k_args[@]}")

echo "shards: job $shard_job, array tasks $array of $shards ($variant); logs $logs/shard-${shard_job}_<task>.out"
echo "merge:  job $merge_job, runs when job $shard_job has succeeded${after:+ and job(s) $after ended} (cancelled if a shard fails); log $logs/merge-$merge_job.out"
echo "run:    $out"
echo "if a shard fails or is cancelled, resubmit just it: the same command with --tasks <index> --after $shard_job"
