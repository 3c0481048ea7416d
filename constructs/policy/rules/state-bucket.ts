import { finding } from "../finding";
import { resourcesOfType } from "../synthesized-blocks";
import type { Finding, Policy } from "../types";

/** STO-002: losing or overwriting Terraform state loses track of real servers. */
export const stateBucketPolicy: Policy = {
  id: "STO-002",
  check(blocks, context) {
    const stateNames = new Set(context.stateBucketNames);
    return resourcesOfType(blocks, "digitalocean_spaces_bucket")
      .filter((bucket) => stateNames.has(String(bucket.attributes.name)) || /(terraform-state|tfstate)/.test(String(bucket.attributes.name)))
      .flatMap((bucket): Finding[] => {
        const missing: string[] = [];
        if (!isEnabled(bucket.attributes.versioning)) missing.push("versioning is not enabled");
        const lifecycle = bucket.attributes.lifecycle as { prevent_destroy?: unknown } | undefined;
        if (lifecycle?.prevent_destroy !== true) missing.push("lifecycle.prevent_destroy is not true");
        if (bucket.attributes.force_destroy === true) missing.push("force_destroy = true would delete its objects with it");
        return missing.length === 0 ? [] : [finding("STO-002", bucket, `state bucket ${JSON.stringify(bucket.attributes.name)}: ${missing.join("; ")}`)];
      });
  },
};

function isEnabled(versioning: unknown): boolean {
  const block = Array.isArray(versioning) ? versioning[0] : versioning;
  return (block as { enabled?: unknown } | undefined)?.enabled === true;
}
