/**
 * Day-2 lifecycle (e2e/lifecycle.ts) through the cdktf CLI with Terraform: refresh one member,
 * roll a group to a new base in two waves, delete rollout, no drift, destroy.
 * See e2e/README.md.
 */
import { defineLifecycle } from "./lifecycle";

defineLifecycle("terraform");
