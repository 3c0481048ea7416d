/**
 * The boot test's user data: an OVH server's user data exactly as the synth wrote it, with only
 * its Docker source switched to the distribution's package (Docker's apt repository is not
 * reachable from the test machine), and the structural diff that proves nothing else changed.
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { isDeepStrictEqual } from "node:util";
import { parse } from "yaml";
import { renderCloudConfig, type CloudConfigPart } from "../../cloud-init/cloud-config";
import { dockerPart } from "../../cloud-init/docker";
import type { HostTarget } from "../../cloud-init/targets";

/** The OVH server the boot test boots: the one whose user data needs nothing but Debian's mirror once Docker comes from Debian (core-prod also installs cloudflared from Cloudflare's repository). */
export const BOOTED_HOST = "ai-lab";

/** The text Terraform writes for a literal string of cdk.tf.json: `$${` and `%%{` are its escapes; anything else with `${` or `%{` would be an interpolation, not a literal file. */
export function terraformLiteral(text: string): string {
  if (/(^|[^$])\$\{|(^|[^%])%\{/.test(text)) throw new Error("the string holds a Terraform interpolation or directive: it is not a literal file");
  return text.replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{");
}

/** The user data a synthesized output directory renders for an OVH server (`rendered/<host>/user-data.yaml`, written by `terraform apply`). */
export function synthesizedOvhUserData(outdir: string, host: string): string {
  const stacks = readdirSync(path.join(outdir, "stacks")).filter((name) => name.startsWith("hosts-"));
  if (stacks.length !== 1) throw new Error(`expected one hosts-<env> stack in ${outdir}, found ${stacks.join(", ") || "none"}`);
  const stack = JSON.parse(readFileSync(path.join(outdir, "stacks", stacks[0]!, "cdk.tf.json"), "utf8")) as {
    resource?: Record<string, Record<string, { filename?: string; content?: string }>>;
  };
  const filename = `\${path.module}/rendered/${host}/user-data.yaml`;
  const files = Object.values(stack.resource?.local_sensitive_file ?? {}).filter((file) => file.filename === filename);
  if (files.length !== 1 || typeof files[0]!.content !== "string") throw new Error(`expected one local_sensitive_file ${filename} in ${stacks[0]}, found ${files.length}`);
  return terraformLiteral(files[0]!.content);
}

/** The same user data with Docker from the distribution (`docker.io` + compose) instead of Docker's repository; nothing else touched. */
export function withDistroDocker(userData: string, target: HostTarget): string {
  const config = parse(userData) as Record<string, unknown>;
  const ce = dockerPart({ target, source: "docker-ce" });
  const distro = dockerPart({ target, source: "distro" });
  const packages = config.packages as string[] | undefined;
  const first = packages?.indexOf(ce.packages![0]!) ?? -1;
  if (packages === undefined || first < 0 || !isDeepStrictEqual(packages.slice(first, first + ce.packages!.length), ce.packages)) {
    throw new Error(`the user data does not install Docker CE (${ce.packages!.join(", ")}) as the product renders it`);
  }
  const apt = config.apt as { sources?: Record<string, unknown> } | undefined;
  if (apt?.sources === undefined || !isDeepStrictEqual(apt.sources["docker.list"], ce.apt!.sources["docker.list"])) {
    throw new Error("the user data has no docker.list apt source as the product renders it");
  }
  config.packages = [...packages.slice(0, first), ...distro.packages!, ...packages.slice(first + ce.packages!.length)];
  const { ["docker.list"]: _docker, ...otherSources } = apt.sources;
  if (Object.keys(otherSources).length > 0) config.apt = { ...apt, sources: otherSources };
  else if (Object.keys(apt).length > 1) config.apt = Object.fromEntries(Object.entries(apt).filter(([key]) => key !== "sources"));
  else delete config.apt;
  return renderCloudConfig([config as CloudConfigPart]);
}

/** One place where two parsed documents differ: what the first has there and the second lacks, and the reverse. */
export interface Difference {
  readonly path: string;
  readonly removed?: unknown;
  readonly added?: unknown;
  /** A list holding the same items in another order. */
  readonly reordered?: true;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const isScalar = (value: unknown): boolean => value === null || typeof value !== "object";

/** Removes from `items` the first occurrence of each of `drop`; returns what it removed and what is left. */
function withoutEach(items: readonly unknown[], drop: readonly unknown[]): { left: unknown[]; missing: unknown[] } {
  const left = [...items];
  const missing: unknown[] = [];
  for (const item of drop) {
    const index = left.findIndex((candidate) => isDeepStrictEqual(candidate, item));
    if (index < 0) missing.push(item);
    else left.splice(index, 1);
  }
  return { left, missing };
}

/**
 * Where two parsed YAML documents differ, by path (`/apt/sources/docker.list`): keys removed or
 * added, scalars changed, items of a list of scalars removed or added (as a multiset, so one
 * package swapped for another is one difference, not a shift of every later item), lists of
 * objects item by item.
 */
export function structuralDiff(before: unknown, after: unknown, at = ""): Difference[] {
  if (isDeepStrictEqual(before, after)) return [];
  const here = at === "" ? "/" : at;
  if (isRecord(before) && isRecord(after)) {
    const keys = [...Object.keys(before), ...Object.keys(after).filter((key) => !(key in before))];
    return keys.flatMap((key) => {
      const where = `${at}/${key}`;
      if (!(key in after)) return [{ path: where, removed: before[key] }];
      if (!(key in before)) return [{ path: where, added: after[key] }];
      return structuralDiff(before[key], after[key], where);
    });
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    if (before.every(isScalar) && after.every(isScalar)) {
      const removed = withoutEach(after, before).missing;
      const added = withoutEach(before, after).missing;
      const kept = withoutEach(before, removed).left;
      const keptInAfter = withoutEach(after, added).left;
      return [
        {
          path: here,
          ...(removed.length > 0 ? { removed } : {}),
          ...(added.length > 0 ? { added } : {}),
          ...(isDeepStrictEqual(kept, keptInAfter) ? {} : { reordered: true as const }),
        },
      ];
    }
    if (before.length === after.length) return before.flatMap((item, index) => structuralDiff(item, after[index], `${at}/${index}`));
  }
  return [{ path: here, removed: before, added: after }];
}

/** The only differences `withDistroDocker` may make: Docker CE's packages become the distribution's, and Docker's apt source goes (with `apt` when it held nothing else). */
export function dockerSwitchDifferences(synthesized: string, target: HostTarget): Difference[] {
  const ce = dockerPart({ target, source: "docker-ce" });
  const distro = dockerPart({ target, source: "distro" });
  const apt = (parse(synthesized) as { apt?: { sources?: Record<string, unknown> } }).apt ?? {};
  const aptHoldsOnlyDocker = Object.keys(apt).length === 1 && Object.keys(apt.sources ?? {}).length === 1;
  return [
    { path: "/packages", removed: [...ce.packages!], added: [...distro.packages!] },
    aptHoldsOnlyDocker ? { path: "/apt", removed: ce.apt } : { path: "/apt/sources/docker.list", removed: ce.apt!.sources["docker.list"] },
  ];
}
