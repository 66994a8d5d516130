# shellcheck shell=bash
# The body of filtermine's Slurm job scripts (extract-cpu.sbatch, extract-gpu.sbatch, merge.sbatch),
# sourced by them. Slurm runs a copy of the submitted script from its spool folder, so the scripts
# find this file, and the clone whose dist/ they run, through FILTERMINE_ROOT (submit.sh sets it;
# without it, the folder the job was submitted from).
#
# Environment:
#   FILTERMINE_ROOT    the filtermine clone to run (default: $SLURM_SUBMIT_DIR)
#   FILTERMINE_NODE    the Node.js binary (default: node on PATH)
#   FILTERMINE_SHARDS  the number of shards of the run (default: N for a full array 0..N-1)

set -euo pipefail

# Runs the filtermine command line of FILTERMINE_ROOT, or `filtermine` on PATH.
filtermine() {
  local root=${FILTERMINE_ROOT:-${SLURM_SUBMIT_DIR:-.}}
  local cli=$root/dist/src/cli/main.js
  if [[ -f $cli ]]; then
    "${FILTERMINE_NODE:-node}" "$cli" "$@"
  elif command -v filtermine >/dev/null 2>&1; then
    command filtermine "$@"
  else
    echo "error: no filtermine command: $cli does not exist (run npm run build there, or set FILTERMINE_ROOT to a built clone) and filtermine is not on PATH" >&2
    return 127
  fi
}

# The number of shards: FILTERMINE_SHARDS, else the size of a full array 0..N-1. A partial array
# (one task resubmitted) cannot tell, so it must be given.
shard_count() {
  if [[ -n ${FILTERMINE_SHARDS:-} ]]; then
    if [[ ! $FILTERMINE_SHARDS =~ ^[1-9][0-9]*$ ]]; then
      echo "error: FILTERMINE_SHARDS must be a positive integer, got '$FILTERMINE_SHARDS'" >&2
      return 2
    fi
    echo "$FILTERMINE_SHARDS"
  elif [[ ${SLURM_ARRAY_TASK_MIN:-} == 0 && ${SLURM_ARRAY_TASK_COUNT:-} == $((${SLURM_ARRAY_TASK_MAX:--2} + 1)) ]]; then
    echo "$SLURM_ARRAY_TASK_COUNT"
  else
    echo "error: FILTERMINE_SHARDS is not set and this array (tasks ${SLURM_ARRAY_TASK_MIN:-?}-${SLURM_ARRAY_TASK_MAX:-?}) is not 0..N-1;" \
      "export FILTERMINE_SHARDS=N, the shard count of the whole run" >&2
    return 2
  fi
}

# One shard of `filtermine extract`: shard index = the array task id. Arguments: extract's options.
run_shard() {
  if [[ -z ${SLURM_ARRAY_TASK_ID:-} ]]; then
    echo "error: not an array task (SLURM_ARRAY_TASK_ID is unset): submit with sbatch --array=0-N, or use scripts/slurm/submit.sh" >&2
    return 2
  fi
  local shards
  shards=$(shard_count)
  if ((SLURM_ARRAY_TASK_ID >= shards)); then
    echo "error: array task $SLURM_ARRAY_TASK_ID is not a shard of a $shards-shard run (tasks 0-$((shards - 1)))" >&2
    return 2
  fi
  echo "filtermine extract shard $SLURM_ARRAY_TASK_ID/$shards: job ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID} on $(hostname)," \
    "${SLURM_CPUS_PER_TASK:-?} CPU(s), backend ${FILTERMINE_BACKEND:-auto}, started $(date -u +%FT%TZ)"
  # No merge here even if this shard finishes last: the dependent merge job does it once.
  filtermine extract "$@" --shard "$SLURM_ARRAY_TASK_ID/$shards" --no-merge --quiet
}

# `filtermine extract merge`. Arguments: merge's options (--out DIR [--k LIST]).
run_merge() {
  echo "filtermine extract merge: job ${SLURM_JOB_ID:-?} on $(hostname), started $(date -u +%FT%TZ)"
  filtermine extract merge "$@"
}
