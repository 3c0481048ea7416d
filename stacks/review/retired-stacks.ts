import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import type { TerraformJson } from "../terraform-json";
import { ChangeRefusedError } from "./refusal";

/** A stack synthesized before and no longer produced, with what its state still holds. */
export interface RetiredStack {
  readonly name: string;
  /** Resources in its state; "unknown" when the state is remote and cannot be read at synth. */
  readonly resources: number | "unknown";
  /** Where its state is, for the message. */
  readonly state: string;
}

/** A stack stopped being produced while its state still holds resources. Nothing is written. */
export class StackRetirementError extends ChangeRefusedError {
  constructor(message: string) {
    super(message);
    this.name = "StackRetirementError";
  }
}

/** Stacks the previous synthesis produced (its manifest) that this one does not. */
export function retiredStacks(outdir: string, produced: readonly string[]): RetiredStack[] {
  const manifestFile = path.join(outdir, "manifest.json");
  if (!existsSync(manifestFile)) return [];
  let previous: string[];
  try {
    previous = Object.keys((JSON.parse(readFileSync(manifestFile, "utf8")) as { stacks?: Record<string, unknown> }).stacks ?? {});
  } catch {
    return [];
  }
  return previous
    .filter((name) => !produced.includes(name))
    .sort()
    .map((name) => ({ name, ...stateOf(outdir, name) }));
}

/**
 * Refuses a synthesis that stops producing a stack whose state still holds resources (or may:
 * remote state), unless the stack is forgotten on purpose. Returns a notice per retired stack let through.
 */
export function guardRetiredStacks(outdir: string, produced: readonly string[], forget: readonly string[]): string[] {
  const retired = retiredStacks(outdir, produced);
  const blocking = retired.filter((stack) => stack.resources !== 0 && !forget.includes(stack.name));
  if (blocking.length > 0) {
    const names = blocking.map((stack) => stack.name);
    throw new StackRetirementError(
      [
        `${names.join(", ")} ${names.length === 1 ? "was" : "were"} synthesized before and ${names.length === 1 ? "is" : "are"} no longer produced, but Terraform still manages resources there:`,
        ...blocking.map((stack) => `  ${stack.name}: ${stack.resources === "unknown" ? `state in ${stack.state} (remote: the synth cannot check what it holds)` : `${stack.resources} resources in ${stack.state}`}`),
        "They keep running, and costing money, with nothing left to change or remove them. Either retire the stack first:",
        `  npm run destroy -- ${names.join(" ")}    (destroys its resources; what holds data refuses until you confirm)`,
        "then synthesize again; or stop managing it and leave its resources as they are:",
        `  npm run synth -- ${names.map((name) => `--forget ${name}`).join(" ")}`,
      ].join("\n"),
    );
  }
  return retired.map((stack) =>
    forget.includes(stack.name) && stack.resources !== 0
      ? `${stack.name} is no longer synthesized and was forgotten (--forget): its resources are no longer managed by this project`
      : `${stack.name} is no longer synthesized; its state holds no resources`,
  );
}

function stateOf(outdir: string, name: string): { resources: number | "unknown"; state: string } {
  const stackDir = path.join(outdir, "stacks", name);
  const backend = previousBackend(stackDir);
  if (backend !== undefined && backend.kind !== "local") return { resources: "unknown", state: `the ${backend.kind} backend` };
  // The local backend's path is relative to the stack directory (stacks/backend.ts).
  const relative = backend?.path ?? `../../../terraform.${name}.tfstate`;
  const file = path.resolve(stackDir, relative);
  const shown = path.relative(process.cwd(), file) || file;
  if (!existsSync(file)) return { resources: 0, state: shown };
  try {
    const state = JSON.parse(readFileSync(file, "utf8")) as { resources?: { mode?: string; instances?: unknown[] }[] };
    const count = (state.resources ?? []).filter((resource) => resource.mode !== "data").reduce((sum, resource) => sum + (resource.instances?.length ?? 0), 0);
    return { resources: count, state: shown };
  } catch {
    return { resources: "unknown", state: shown };
  }
}

function previousBackend(stackDir: string): { kind: string; path?: string } | undefined {
  const file = path.join(stackDir, "cdk.tf.json");
  if (!existsSync(file)) return undefined;
  try {
    const backends = (JSON.parse(readFileSync(file, "utf8")) as TerraformJson).terraform?.backend ?? {};
    const [kind, settings] = Object.entries(backends)[0] ?? [];
    if (kind === undefined) return undefined;
    return { kind, ...(typeof settings?.path === "string" ? { path: settings.path } : {}) };
  } catch {
    return undefined;
  }
}
