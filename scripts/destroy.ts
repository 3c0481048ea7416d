import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { PROTECTED_TYPES } from "../stacks/review/guard";
import { resourcesByAddress, type TerraformJson } from "../stacks/terraform-json";

const USAGE = "usage: npm run destroy -- <stack>... [--confirm <address>]... [--auto-approve]   (stacks as in cdktf.out/stacks)";
const OVERRIDE_FILE = "zz_destroy_override.tf.json";

/** The named stacks, dependents first (the reverse of the apply order in cdktf.out/manifest.json). */
export function destroyOrder(outdir: string, names: readonly string[]): string[] {
  const manifestFile = path.join(outdir, "manifest.json");
  const manifest = existsSync(manifestFile) ? (JSON.parse(readFileSync(manifestFile, "utf8")) as { stacks?: Record<string, { dependencies?: string[] }> }) : {};
  const dependencies = (name: string) => manifest.stacks?.[name]?.dependencies ?? [];
  const applyOrder: string[] = [];
  const visit = (name: string): void => {
    if (applyOrder.includes(name)) return;
    dependencies(name).filter((dependency) => names.includes(dependency)).forEach(visit);
    applyOrder.push(name);
  };
  [...names].sort().forEach(visit);
  return applyOrder.reverse();
}

/** Protected resources of a stack directory's configuration, with why each is protected. */
export function protectedResources(stackJson: TerraformJson): { address: string; why: string; preventDestroy: boolean }[] {
  return [...resourcesByAddress(stackJson)].flatMap(([address, body]) => {
    const preventDestroy = (body.lifecycle as { prevent_destroy?: unknown } | undefined)?.prevent_destroy === true;
    const why = PROTECTED_TYPES[address.slice(0, address.indexOf("."))] ?? (preventDestroy ? "lifecycle prevent_destroy" : undefined);
    return why === undefined ? [] : [{ address, why, preventDestroy }];
  });
}

/** The refusal for protected resources not confirmed, with the ways to keep or destroy each; undefined when all are confirmed. */
export function refusalFor(stack: string, stackDir: string, unconfirmed: readonly { address: string; why: string }[]): string | undefined {
  if (unconfirmed.length === 0) return undefined;
  return [
    `refusing to destroy what holds data or identity in ${stack}:`,
    ...unconfirmed.map((resource) => `  ${resource.address}: ${resource.why}`),
    "To keep one: Terraform forgets it and the object stays; then confirm it as below (nothing is left to destroy):",
    ...unconfirmed.map((resource) => `  terraform -chdir=${stackDir} state rm ${resource.address}`),
    "To destroy one, empty it first (a bucket: delete every object and every version, e.g. with s3cmd or the control panel), then confirm:",
    `  npm run destroy -- ${stack} ${unconfirmed.map((resource) => `--confirm ${resource.address}`).join(" ")}`,
  ].join("\n");
}

function main(argv: string[]): number {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { confirm: { type: "string", multiple: true }, "auto-approve": { type: "boolean" }, help: { type: "boolean" } } });
  if (values.help === true || positionals.length === 0) {
    console.log(USAGE);
    return values.help === true ? 0 : 1;
  }
  const outdir = process.env.CDKTF_OUTDIR || "cdktf.out";
  const confirmed = values.confirm ?? [];
  for (const stack of destroyOrder(outdir, positionals)) {
    const stackDir = path.join(outdir, "stacks", stack);
    const jsonFile = path.join(stackDir, "cdk.tf.json");
    if (!existsSync(jsonFile)) {
      console.error(`error: no stack ${stack} in ${outdir}/stacks (synthesize it first, or check the name)`);
      return 1;
    }
    const protectedOnes = protectedResources(JSON.parse(readFileSync(jsonFile, "utf8")) as TerraformJson);
    const refusal = refusalFor(stack, stackDir, protectedOnes.filter((resource) => !confirmed.includes(resource.address)));
    if (refusal !== undefined) {
      console.error(`error: ${refusal}`);
      return 1;
    }
    // prevent_destroy cannot be overridden on the command line: an override file lifts it for
    // the confirmed addresses during this destroy only.
    const lifted = protectedOnes.filter((resource) => resource.preventDestroy);
    const override = path.join(stackDir, OVERRIDE_FILE);
    if (lifted.length > 0) writeFileSync(override, `${JSON.stringify({ resource: overrideBody(lifted.map((resource) => resource.address)) }, null, 2)}\n`);
    try {
      const autoApprove = values["auto-approve"] === true;
      console.log(`destroying ${stack}${autoApprove ? "" : " (terraform asks for confirmation)"}`);
      const result = spawnSync("terraform", [`-chdir=${stackDir}`, "destroy", ...(autoApprove ? ["-auto-approve"] : [])], { stdio: "inherit" });
      if (result.status !== 0) return result.status ?? 1;
    } finally {
      rmSync(override, { force: true });
    }
  }
  return 0;
}

function overrideBody(addresses: readonly string[]): Record<string, Record<string, unknown>> {
  const body: Record<string, Record<string, unknown>> = {};
  for (const address of addresses) {
    const [type = "", name = ""] = [address.slice(0, address.indexOf(".")), address.slice(address.indexOf(".") + 1)];
    body[type] = { ...(body[type] ?? {}), [name]: { lifecycle: { prevent_destroy: false } } };
  }
  return body;
}

if (require.main === module || process.env.DESTROY_SCRIPT_MAIN === "1") process.exitCode = main(process.argv.slice(2));
