/**
 * Day-2 lifecycle (e2e/lifecycle.ts) through the cdktf CLI with OpenTofu
 * (TERRAFORM_BINARY_NAME=tofu). Off by default to keep `npm run test:e2e` short (the scenario
 * already runs with tofu): E2E_LIFECYCLE_TOFU=1 runs it. See e2e/README.md.
 */
import { defineLifecycle } from "./lifecycle";

defineLifecycle(
  "tofu",
  process.env.E2E_LIFECYCLE_TOFU === "1"
    ? undefined
    : "E2E SKIPPED: the lifecycle with tofu runs only with E2E_LIFECYCLE_TOFU=1 (about 70 s more; the scenario already runs with tofu)",
);
