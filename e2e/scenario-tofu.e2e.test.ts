/**
 * The end-to-end scenario (e2e/scenario.ts) through the cdktf CLI with OpenTofu
 * (TERRAFORM_BINARY_NAME=tofu). See e2e/README.md.
 */
import { defineScenario } from "./scenario";

defineScenario("tofu");
