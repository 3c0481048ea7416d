import * as path from "node:path";
import { App, LocalBackend, TerraformStack } from "cdktf";

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
