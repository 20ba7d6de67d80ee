import * as path from "path";
import { HttpBackend, LocalBackend, PgBackend, RemoteBackend, S3Backend, TerraformStack } from "cdktf";
import type { BackendSpec } from "../lib";

/** Where cdktf runs Terraform for a stack, relative to the project: cdktf.out/stacks/<stack>. */
const STACK_DIR_TO_PROJECT = "../../..";

/** Default local state: `state/<stack>.tfstate` in the project, written as a path relative to the stack folder. */
export function defaultStatePath(stackName: string): string {
  return path.posix.join(STACK_DIR_TO_PROJECT, "state", `${stackName}.tfstate`);
}

/**
 * The stack's backend from the environment file. Secrets never come from the file:
 * each backend reads its own environment variables (AWS_*, PG_CONN_STR, TF_HTTP_*, TF_TOKEN_*).
 */
export function configureBackend(stack: TerraformStack, spec: BackendSpec, stackName: string): void {
  switch (spec.type) {
    case "local":
      new LocalBackend(stack, {
        path: spec.path !== undefined ? path.posix.join(STACK_DIR_TO_PROJECT, spec.path) : defaultStatePath(stackName),
        ...(spec.workspaceDir !== undefined
          ? { workspaceDir: path.posix.join(STACK_DIR_TO_PROJECT, spec.workspaceDir) }
          : {}),
      });
      return;
    case "s3":
      new S3Backend(stack, optionsOf(spec));
      return;
    case "pg":
      // conn_str is left out on purpose: Terraform's pg backend reads PG_CONN_STR.
      new PgBackend(stack, optionsOf(spec) as unknown as ConstructorParameters<typeof PgBackend>[1]);
      return;
    case "http":
      new HttpBackend(stack, optionsOf(spec));
      return;
    case "remote":
      new RemoteBackend(stack, optionsOf(spec));
      return;
  }
}

/** A backend's options as cdktf names them: the file's keys without `type`. */
function optionsOf<T extends { type: string }>(spec: T): Omit<T, "type"> {
  const { type: _type, ...options } = spec;
  return options;
}
