#!/usr/bin/env bash
# Prints the path of the snnc release binary built at the commit this reproduction is pinned to
# (the first line of environment.txt), building it first when it is missing: a detached git
# worktree of that commit in $PINNED_DIR (default .build-pinned/<commit> in the repository, ignored by git), `swift build -c
# release --product snnc` there (about 2 minutes on 2 cores; build output goes to stderr). The
# searches run with this binary, so a stage resumed on a new machine trains with the same code and
# the same float rounding as before; the pin changes only to a build checked to give the same bits
# (README.md, "The pinned binary").
#
#   mkdir -p tickets && SNNC=$(./pinned-snnc.sh) nohup nice -n 10 ./run.sh > tickets/run.out 2>&1 &
#   ./run.sh does the same when SNNC is not set.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
commit=$(head -n 1 "$here/environment.txt")
if ! [[ $commit =~ ^[0-9a-f]{40}$ ]]; then
    echo "pinned-snnc: the first line of $here/environment.txt is not a commit hash: '$commit'" >&2
    exit 1
fi
root=$(git -C "$here" rev-parse --show-toplevel)
dir=${PINNED_DIR:-$root/.build-pinned/${commit:0:12}}
binary="$dir/.build/release/snnc"
if [ ! -x "$binary" ]; then
    if [ ! -d "$dir" ]; then
        git -C "$root" worktree add --detach "$dir" "$commit" >&2
    fi
    echo "pinned-snnc: building snnc at ${commit:0:12} in $dir" >&2
    (cd "$dir" && swift build -c release --product snnc >&2)
fi
echo "$binary"
