#!/usr/bin/env bash
# The environments a change touches, one stack name per line, for CI jobs that diff or deploy
# them (examples/ci/github-actions.yml, examples/ci/gitlab-ci.yml):
#
#   examples/ci/changed-environments.sh <base> [<head>]      (head defaults to HEAD)
#
# - every environment file (environments/<env>.yaml, or LINKED_CLONES_ENV_DIR) added or
#   modified between the merge base of <base> and <head>, and <head>;
# - every environment when code that shapes the synthesized Terraform changed (lib/, stacks/,
#   main.ts, cdktf.json, tsconfig.json, package.json, package-lock.json), or when <base> is not
#   a commit of this clone (the all-zero SHA of a first push, a shallow clone);
# - a deleted environment file is not listed (nothing is left to diff or deploy): a note on
#   stderr says its resources stay until destroyed.
#
# Needs the history back to the merge base (actions/checkout with fetch-depth: 0; GitLab
# GIT_DEPTH: 0). Reads git only; never changes the working tree.
set -euo pipefail

base="${1:?usage: changed-environments.sh <base> [<head>]}"
head="${2:-HEAD}"
dir="${LINKED_CLONES_ENV_DIR:-environments}"
dir="${dir%/}"

every_environment() {
  local f
  for f in "$dir"/*.yaml; do
    [ -e "$f" ] && basename "$f" .yaml
  done
  return 0
}

if [[ "$base" =~ ^0+$ ]] || ! git rev-parse --verify --quiet "${base}^{commit}" >/dev/null; then
  echo "changed-environments: '$base' is not a commit of this clone; listing every environment" >&2
  every_environment
  exit 0
fi
from="$(git merge-base "$base" "$head" 2>/dev/null || echo "$base")"

if git diff --quiet "$from" "$head" -- lib stacks main.ts cdktf.json tsconfig.json package.json package-lock.json; then
  :
else
  echo "changed-environments: code that shapes every stack changed; listing every environment" >&2
  every_environment
  exit 0
fi

while IFS= read -r f; do
  [ -n "$f" ] || continue
  echo "changed-environments: $f was deleted; its resources stay until destroyed (cdktf destroy $(basename "$f" .yaml) from the commit before)" >&2
done < <(git diff --name-only --no-renames --diff-filter=D "$from" "$head" -- "$dir/*.yaml")

git diff --name-only --no-renames --diff-filter=d "$from" "$head" -- "$dir/*.yaml" |
  while IFS= read -r f; do
    # Only files directly in the folder are environments.
    if [ "$(dirname "$f")" = "$dir" ]; then basename "$f" .yaml; fi
  done | sort -u
