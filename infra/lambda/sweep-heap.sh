#!/bin/sh
# The sweep's AWS_LAMBDA_EXEC_WRAPPER (serverless.yml; AWS Lambda developer guide, "Modifying the runtime
# environment", section "Wrapper scripts": the runtime execs this file with its own command line as arguments,
# node first, and the script starts the runtime with exec).
#
# Why: the managed runtime's bootstrap puts --max-semi-space-size=<memorySize/20> on node's command line (51 at
# 1024 MB), and the command line wins over NODE_OPTIONS. V8 lets the young generation grow to that before it
# collects, and on the full pass over 50,000 realistic Workflows that growth is what takes peak RSS past 256 MiB
# (bench/README.md "The full pass over realistic Workflows"). This sets the semi-space to AFR_SEMI_SPACE_MB and
# leaves every other argument, and their order, as they are.
set -eu

semi=${AFR_SEMI_SPACE_MB-8}
case $semi in
  '' | *[!0-9]* | 0*)
    echo "sweep-heap.sh: AFR_SEMI_SPACE_MB must be a whole number of MiB from 1, got '$semi'; not starting node" >&2
    exit 64
    ;;
esac
if [ "$#" -eq 0 ]; then
  echo "sweep-heap.sh: no command to run (Lambda passes the runtime's command line)" >&2
  exit 64
fi

node=$1
shift
found=
# Rotates the arguments through "$@": each comes off the front and goes back at the end, rewritten if it is the
# flag (either spelling V8 accepts), so arguments with spaces stay whole.
for arg do
  shift
  case $arg in
    --max-semi-space-size=* | --max_semi_space_size=*)
      arg="--max-semi-space-size=$semi"
      found=1
      ;;
  esac
  set -- "$@" "$arg"
done
# Absent (the bootstrap leaves it out when NODE_OPTIONS names a heap flag): node's first option, so it wins.
if [ -z "$found" ]; then
  set -- "--max-semi-space-size=$semi" "$@"
fi
exec "$node" "$@"
