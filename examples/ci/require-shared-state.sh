#!/usr/bin/env bash
# Fails unless each named environment keeps its Terraform state in a shared backend (pg, s3,
# http, remote, ...): a CI runner's local state is gone when the job ends, and the next deploy
# would create every VM again. Run it after synth, before cdktf diff or deploy:
#
#   examples/ci/require-shared-state.sh <env> [<env> ...]
#
# Reads cdktf.out/stacks/<env>/cdk.tf.json (or CDKTF_OUTDIR); needs node.
set -euo pipefail

out="${CDKTF_OUTDIR:-cdktf.out}"
status=0
for env in "$@"; do
  # shellcheck disable=SC2016 # JavaScript template literals, not shell expansions
  node -e '
    const [file, env] = process.argv.slice(1);
    const fs = require("fs");
    if (!fs.existsSync(file)) {
      console.error(`require-shared-state: ${file} does not exist; run npm run synth first`);
      process.exit(1);
    }
    const backend = Object.keys((JSON.parse(fs.readFileSync(file, "utf8")).terraform || {}).backend || { local: {} });
    if (backend.includes("local")) {
      console.error(`require-shared-state: environment ${env} keeps its state on this runner (backend local), so it would be lost after the job; set backend: {type: pg|s3|http|remote, ...} in its file (README.md, Backends)`);
      process.exit(1);
    }
    console.log(`${env}: state in the ${backend.join(", ")} backend`);
  ' "$out/stacks/$env/cdk.tf.json" "$env" || status=1
done
exit "$status"
