import { finding } from "../finding";
import { resourcesOfType } from "../synthesized-blocks";
import type { Finding, Policy, SynthesizedBlock } from "../types";

const PUBLIC_ACLS = new Set(["public-read", "public-read-write"]);

/** STO-001: buckets are private, except the declared assets bucket which may be public-read. */
export const publicBucketsPolicy: Policy = {
  id: "STO-001",
  check(blocks, context) {
    const buckets = resourcesOfType(blocks, "digitalocean_spaces_bucket");
    const declaredPublic = new Set(context.publicBucketNames);
    const fromAcl = buckets.flatMap((bucket): Finding[] => {
      const acl = String(bucket.attributes.acl ?? "private");
      if (!PUBLIC_ACLS.has(acl)) return [];
      if (acl === "public-read" && declaredPublic.has(String(bucket.attributes.name))) return [];
      const why = acl === "public-read-write" ? "lets anyone write to it" : "is not the declared assets bucket";
      return [finding("STO-001", bucket, `bucket ${JSON.stringify(bucket.attributes.name)} has acl = "${acl}" and ${why}`)];
    });
    const fromPolicies = resourcesOfType(blocks, "digitalocean_spaces_bucket_policy").flatMap((policy): Finding[] => {
      if (!grantsEveryone(policy.attributes.policy)) return [];
      const target = bucketNamed(buckets, policy.attributes.bucket);
      if (target !== undefined && declaredPublic.has(target)) return [];
      return [finding("STO-001", policy, `bucket policy on ${JSON.stringify(target ?? policy.attributes.bucket)} allows Principal "*" and the bucket is not the declared assets bucket`)];
    });
    return [...fromAcl, ...fromPolicies];
  },
};

function grantsEveryone(policy: unknown): boolean {
  let document: unknown;
  try {
    document = typeof policy === "string" ? JSON.parse(policy) : policy;
  } catch {
    return /"Principal"\s*:\s*("\*"|\{\s*"AWS"\s*:\s*"\*")/.test(String(policy));
  }
  const statements = (document as { Statement?: unknown })?.Statement;
  return (Array.isArray(statements) ? statements : [statements]).some((statement) => {
    const { Effect, Principal } = (statement ?? {}) as { Effect?: string; Principal?: unknown };
    return Effect === "Allow" && (Principal === "*" || (Principal as { AWS?: unknown } | undefined)?.AWS === "*");
  });
}

/** The literal name of the bucket a reference like `${digitalocean_spaces_bucket.x.name}` points at. */
function bucketNamed(buckets: readonly SynthesizedBlock[], reference: unknown): string | undefined {
  const text = String(reference);
  if (!text.includes("${")) return text;
  const match = /^\$\{(digitalocean_spaces_bucket\.[\w-]+)\.(name|id)\}$/.exec(text);
  const name = buckets.find((bucket) => bucket.address === match?.[1])?.attributes.name;
  return typeof name === "string" ? name : undefined;
}
