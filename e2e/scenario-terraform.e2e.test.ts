/**
 * The end-to-end scenario (e2e/scenario.ts) through the cdktf CLI with Terraform.
 * See e2e/README.md.
 */
import { defineScenario } from "./scenario";

defineScenario("terraform");
