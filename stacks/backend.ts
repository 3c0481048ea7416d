import * as path from "node:path";
import { App, LocalBackend, S3Backend, TerraformStack, type TerraformBackend } from "cdktf";
import type { Config } from "../config/config";
import { namePrefix } from "../constructs/naming";

/** App context key holding the directory state files live in (the project root). */
export const PROJECT_ROOT_CONTEXT = "sovereign:projectRoot";

/**
 * Local state with a relative path. CDKTF's default writes the absolute path of the machine
 * that synthesized, which breaks on every other machine. State lives at the project root,
 * outside cdktf.out (the CLI deletes stack directories it no longer synthesizes), and the path
 * is relative to the stack directory Terraform runs in. Cross-stack references reuse the same
 * string, which resolves identically because every stack directory sits at the same depth.
 */
export function useRelativeLocalBackend(stack: TerraformStack): LocalBackend {
  const projectRoot = (stack.node.tryGetContext(PROJECT_ROOT_CONTEXT) as string | undefined) ?? process.cwd();
  const stackDir = path.resolve(projectRoot, App.of(stack).outdir, "stacks", stack.node.id);
  const stateFile = path.resolve(projectRoot, `terraform.${stack.node.id}.tfstate`);
  return new LocalBackend(stack, { path: path.relative(stackDir, stateFile).split(path.sep).join("/") });
}

/** Object key of a stack's state in the state bucket. */
export function stateKey(stackName: string): string {
  return `${stackName}/terraform.tfstate`;
}

/**
 * Remote state in the `<project>-<env>-terraform-state` Spaces bucket through Terraform's S3
 * backend, one key per stack, with S3-native locking (`use_lockfile`, Terraform >= 1.10).
 * Spaces is not AWS: the region is a placeholder the backend requires, the endpoint names the
 * real region, and the AWS-only checks are skipped (DigitalOcean's documented settings).
 * Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY at `terraform init`, since a
 * backend block cannot read variables. Cross-stack references read the same bucket.
 */
export function useSpacesBackend(stack: TerraformStack, config: Config): S3Backend {
  const backend = new S3Backend(stack, {
    bucket: `${namePrefix(config.projectName, config.environment)}-terraform-state`,
    key: stateKey(stack.node.id),
    region: "us-east-1",
    endpoints: { s3: `https://${config.spacesRegion}.digitaloceanspaces.com` },
    skipCredentialsValidation: true,
    skipRegionValidation: true,
    skipRequestingAccountId: true,
    skipMetadataApiCheck: true,
  });
  // Not (yet) typed by cdktf 0.21's S3BackendConfig.
  backend.addOverride("skip_s3_checksum", true);
  backend.addOverride("use_lockfile", true);
  return backend;
}

/** The backend `state_backend` selects: relative local state (default) or Spaces. */
export function useStateBackend(stack: TerraformStack, config: Config): TerraformBackend {
  return config.stateBackend === "spaces" ? useSpacesBackend(stack, config) : useRelativeLocalBackend(stack);
}
