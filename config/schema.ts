import { z } from "zod";
import { worldExposureProblem } from "./address-space";
import { ADOPT_KEYS, adoptSchema, checkAdoption } from "./adopt-schema";
import { POLICY_IDS } from "../constructs/policy/catalog";
import { allowReplaceSchema, pricesSchema } from "./change-safety-schema";
import { cidrProblem, cidrsOverlap, isRfc1918, isWholeInternet, parseCidr } from "./cidr";
import { DROPLET_REGIONS, SPACES_REGIONS, SUPPORTED_IMAGES } from "./digitalocean-catalog";
import { MAX_SSH_PUBLIC_KEY_LENGTH, sshPublicKeyProblem } from "./ssh-key";
import { deployUserProblem } from "./system-accounts";
import { checkTopology } from "./topology-checks";
import { cloudflareSchema, HOST_NAME, hostSchema, meshSchema, TOPOLOGY_NESTED_KEYS } from "./topology-schema";

const ENVIRONMENTS = ["dev", "staging", "production"] as const;

const cidrBlock = z.string().max(64, { error: "expected a CIDR block (at most 64 characters)" }).superRefine((value, ctx) => {
  const problem = cidrProblem(value);
  if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
});

const vpcCidr = cidrBlock.superRefine((value, ctx) => {
  if (cidrProblem(value) !== undefined) return;
  const block = parseCidr(value);
  if (block.family !== "ipv4" || !isRfc1918(value)) {
    ctx.addIssue({ code: "custom", message: "expected a private IPv4 range (RFC 1918: 10/8, 172.16/12, 192.168/16)" });
  } else if (block.prefix < 16 || block.prefix > 28) {
    ctx.addIssue({ code: "custom", message: "expected a prefix between /16 and /28 (DigitalOcean VPC limits)" });
  }
});

const sshPublicKey = z.string().max(MAX_SSH_PUBLIC_KEY_LENGTH, { error: `expected one OpenSSH public key line (at most ${MAX_SSH_PUBLIC_KEY_LENGTH} characters)` }).superRefine((value, ctx) => {
  const problem = sshPublicKeyProblem(value);
  if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
});

const dnsName = z
  .string()
  .max(253, { error: "expected a domain name of at most 253 characters" })
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+([a-z]{2,63}|xn--[a-z0-9-]{1,59})$/, {
    error: "expected a lowercase domain name such as example.com (letters, digits, dashes; no trailing dot)",
  });

const tagPart = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,100}$/, { error: "expected 1-100 letters, digits, dashes or underscores (DigitalOcean tag rules)" });

/** Ports the web and management firewalls serve: they can never be internal-only. */
const PUBLIC_PORTS = [22, 80, 443];

const policyWaiver = z.strictObject({
  policy: z.enum(POLICY_IDS, { error: `expected a policy id: ${POLICY_IDS.join(", ")}` }),
  resource: z.string().max(200, { error: "expected a construct path or Terraform address of at most 200 characters" }).regex(/^[A-Za-z0-9_.\/-]+$/, {
    error: "expected a construct path (e.g. main-production/droplet/droplet) or a Terraform address, as shown in policy reports",
  }),
  reason: z
    .string()
    .max(500, { error: "expected a reason of at most 500 characters" })
    .regex(/^[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]*$/u, { error: "expected plain text on one line (no control, format or line-separator characters)" })
    .refine((reason) => reason.trim().length >= 12, { error: "expected a written reason (at least 12 characters) saying why this resource may break the policy" }),
});

/**
 * Checks across settings run only once every setting passed its own checks: zod would otherwise
 * run them on values it has already refused (an empty address, a malformed CIDR) and they throw.
 */
const everyValueValid = (payload: { readonly issues: readonly unknown[] }): boolean => payload.issues.length === 0;

/** The tfvars file as written: the DigitalOcean environment's variables plus the hosts, mesh and edge settings. */
export const tfvarsSchema = z
  .strictObject({
    project_name: z.string().regex(/^[a-z][a-z0-9-]{0,22}[a-z0-9]$/, {
      error: "expected 2-24 lowercase letters, digits or dashes, starting with a letter and not ending with a dash",
    }),
    environment: z.enum(ENVIRONMENTS, { error: 'expected one of "dev", "staging", "production"' }),
    region: z.enum(DROPLET_REGIONS, { error: `expected a DigitalOcean region: ${DROPLET_REGIONS.join(", ")}` }).default("fra1"),
    vpc_cidr: vpcCidr.default("10.0.0.0/16"),
    droplet_size: z
      .string()
      .max(64, { error: "expected a DigitalOcean size slug such as s-2vcpu-4gb" })
      .regex(/^[a-z0-9]+(-[a-z0-9]+)+$/, { error: "expected a DigitalOcean size slug such as s-2vcpu-4gb" })
      .default("s-2vcpu-4gb"),
    droplet_image: z
      .enum(SUPPORTED_IMAGES, { error: `expected one of the images cloud-init is built for: ${SUPPORTED_IMAGES.join(", ")}` })
      .default("ubuntu-24-04-x64"),
    ssh_public_key: sshPublicKey,
    /** Keys still authorized for the deploy user during a rotation, removed by the user once the new key logs in. */
    retired_ssh_public_keys: z.array(sshPublicKey).default([]),
    ssh_key_name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, { error: "expected 1-63 letters, digits, dots, dashes or underscores" })
      .optional(),
    use_existing_ssh_key: z.boolean().default(false),
    enable_monitoring: z.boolean().default(true),
    enable_backups: z.boolean().default(false),
    enable_ipv6: z.boolean().default(true),
    allowed_ssh_ips: z.array(cidrBlock).min(1, { error: "expected at least one CIDR block allowed to reach SSH" }),
    do_project_id: z
      .string()
      .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, { error: "expected a DigitalOcean project UUID" })
      .optional(),
    domain_name: dnsName.optional(),
    manage_domain: z.boolean().default(true),
    create_spaces: z.boolean().default(false),
    spaces_region: z.enum(SPACES_REGIONS, { error: `expected a Spaces region: ${SPACES_REGIONS.join(", ")}` }).optional(),
    deploy_user: z
      .string()
      .regex(/^[a-z_][a-z0-9_-]{0,31}$/, { error: "expected a Linux user name (lowercase, at most 32 characters)" })
      .refine((name) => name !== "root", { error: "must not be root: the deploy user is an unprivileged sudoer" })
      .superRefine((name, ctx) => {
        const problem = name === "root" ? undefined : deployUserProblem(name);
        if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
      })
      .default("deploy"),
    common_tags: z.record(tagPart, tagPart).default({}),
    allow_ssh_from_anywhere: z.boolean().default(false),
    internal_ports: z
      .array(z.number().int({ error: "expected a whole port number" }).min(1, { error: "expected a port from 1 to 65535" }).max(65535, { error: "expected a port from 1 to 65535" }))
      .default([]),
    policy_waivers: z.array(policyWaiver).default([]),
    state_backend: z.enum(["local", "spaces"], { error: 'expected "local" or "spaces"' }).default("local"),
    allow_replace: allowReplaceSchema,
    prices: pricesSchema,
    hosts: z
      .record(z.string().regex(HOST_NAME, { error: "expected a host name: lowercase letters, digits and dashes, starting with a letter" }), hostSchema)
      .default({}),
    mesh: meshSchema.optional(),
    cloudflare: cloudflareSchema.optional(),
    adopt: adoptSchema.optional(),
  })
  .superRefine((raw, ctx) => {
    if (raw.use_existing_ssh_key && raw.ssh_key_name === undefined) {
      ctx.addIssue({ code: "custom", path: ["ssh_key_name"], message: "is required when use_existing_ssh_key = true" });
    }
    const spacesRegion = raw.spaces_region ?? raw.region;
    const needsSpaces = raw.create_spaces || raw.state_backend === "spaces";
    if (needsSpaces && !(SPACES_REGIONS as readonly string[]).includes(spacesRegion)) {
      ctx.addIssue({
        code: "custom",
        path: ["region"],
        message: `has no Spaces; set spaces_region to one of ${SPACES_REGIONS.join(", ")}, or create_spaces = false and state_backend = "local"`,
      });
    }
    const seen = new Set<string>();
    raw.allowed_ssh_ips.forEach((block, index) => {
      if (seen.has(block)) ctx.addIssue({ code: "custom", path: ["allowed_ssh_ips", index], message: "is listed twice" });
      const earlier = raw.allowed_ssh_ips.slice(0, index);
      const overlapped = earlier.findIndex(
        (other) => other !== block && cidrProblem(other) === undefined && cidrProblem(block) === undefined && cidrsOverlap(other, block),
      );
      if (overlapped >= 0) {
        ctx.addIssue({
          code: "custom",
          path: ["allowed_ssh_ips", index],
          message: `overlaps allowed_ssh_ips[${overlapped}] (${earlier[overlapped]}); list each address range once`,
        });
      }
      seen.add(block);
      if (cidrProblem(block) === undefined && isWholeInternet(block) && !raw.allow_ssh_from_anywhere) {
        ctx.addIssue({
          code: "custom",
          path: ["allowed_ssh_ips", index],
          message:
            "opens SSH to the whole internet; list only the addresses that need SSH in allowed_ssh_ips (e.g. an office or VPN /32), or set allow_ssh_from_anywhere = true to accept the risk (every synth then warns)",
        });
      }
    });
    const singlyWorld = raw.allowed_ssh_ips.some((block) => cidrProblem(block) === undefined && isWholeInternet(block));
    if (!raw.allow_ssh_from_anywhere && !singlyWorld && raw.allowed_ssh_ips.every((block) => cidrProblem(block) === undefined)) {
      const together = worldExposureProblem(raw.allowed_ssh_ips, [raw.vpc_cidr, ...(raw.mesh === undefined ? [] : [raw.mesh.cidr])]);
      if (together !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["allowed_ssh_ips"],
          message: `${together}; list only the addresses that need SSH (e.g. an office or VPN /32), or set allow_ssh_from_anywhere = true to accept the risk (every synth then warns)`,
        });
      }
    }
    const authorized = [raw.ssh_public_key, ...raw.retired_ssh_public_keys].map((key) => key.trim().split(/\s+/).slice(0, 2).join(" "));
    raw.retired_ssh_public_keys.forEach((_, index) => {
      if (authorized.indexOf(authorized[index + 1] as string) !== index + 1) {
        ctx.addIssue({ code: "custom", path: ["retired_ssh_public_keys", index], message: "is ssh_public_key or listed twice; list each retired key once" });
      }
    });
    const ports = new Set<number>();
    raw.internal_ports.forEach((port, index) => {
      if (ports.has(port)) ctx.addIssue({ code: "custom", path: ["internal_ports", index], message: "is listed twice" });
      ports.add(port);
      if (PUBLIC_PORTS.includes(port)) {
        ctx.addIssue({ code: "custom", path: ["internal_ports", index], message: "is served by the web or management firewall (22, 80, 443); it cannot be internal-only" });
      }
    });
    checkTopology(raw, ctx);
    checkAdoption(raw, ctx);
    const tagCount = Object.keys(raw.common_tags).length;
    if (tagCount > 20) {
      ctx.addIssue({ code: "custom", path: ["common_tags"], message: `has ${tagCount} tags; expected at most 20` });
    }
  }, { when: everyValueValid });

export type Tfvars = z.output<typeof tfvarsSchema>;

/** Variables the file may set, for "did you mean" suggestions. */
export const TFVARS_KEYS: readonly string[] = Object.keys(tfvarsSchema.shape);

/** Fields of nested settings, for "did you mean" suggestions inside them. */
export const NESTED_KEYS: Readonly<Record<string, readonly string[]>> = { policy_waivers: Object.keys(policyWaiver.shape), ...TOPOLOGY_NESTED_KEYS, adopt: ADOPT_KEYS };
