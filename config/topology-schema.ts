import { z } from "zod";
import { WIREGUARD_KEY_FORMAT } from "../cloud-init/wireguard";
import { HOST_NAME } from "../constructs/naming";
import { cidrProblem, parseCidr } from "./cidr";
import { accessSchema } from "./cloudflare-access";
import { publicAddressProblem } from "./public-address";
import { TUNNEL_SERVICE_FORMAT, tunnelServiceProblem } from "./tunnel-service";
import { sshPublicKeyProblem } from "./ssh-key";

/**
 * The tfvars shape of the topology settings: `hosts` (OVH servers and the droplet), `mesh`
 * (WireGuard between them) and `cloudflare` (the edge). Checks that need more than one value
 * live in topology-checks.ts.
 */

export { HOST_NAME };

const cidrBlock = z.string().max(64, { error: "expected a CIDR block (at most 64 characters)" }).superRefine((value, ctx) => {
  const problem = cidrProblem(value);
  if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
});

function address(family: "ipv4" | "ipv6") {
  const example = family === "ipv4" ? "198.51.100.20" : "2001:db8::20";
  return z.string().max(64, { error: `expected one address, e.g. ${example}` }).superRefine((value, ctx) => {
    const bits = family === "ipv4" ? 32 : 128;
    if (value.includes("/") || cidrProblem(`${value}/${bits}`) !== undefined || parseCidr(`${value}/${bits}`).family !== family) {
      ctx.addIssue({ code: "custom", message: `expected one ${family === "ipv4" ? "IPv4" : "IPv6"} address without a prefix, e.g. ${example}` });
    }
  });
}

export const ipv4Address = address("ipv4");
export const ipv6Address = address("ipv6");

/** A host's public address: global unicast (documentation ranges allowed, with a note), in its one canonical spelling. */
function publicAddress(family: "ipv4" | "ipv6") {
  return z.string().max(64, { error: `expected one ${family === "ipv4" ? "IPv4" : "IPv6"} address` }).superRefine((value, ctx) => {
    const problem = publicAddressProblem(value, family);
    if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
  });
}

export const publicIpv4Address = publicAddress("ipv4");
export const publicIpv6Address = publicAddress("ipv6");
/**
 * A host's public SSH host key (/etc/ssh/ssh_host_ed25519_key.pub on the host): every SSH
 * connection the stacks make checks it. Read from a trusted channel (the provider's console),
 * never from a first connection.
 */
export const sshHostKey = z.string().superRefine((value, ctx) => {
  const problem = sshPublicKeyProblem(value);
  if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
  else if (value.trim().startsWith("sk-")) ctx.addIssue({ code: "custom", message: "is a security-key user key; expected the server's host key (ssh-ed25519, ecdsa-sha2-* or ssh-rsa)" });
  else if (value.trim().startsWith("ssh-ed25519 ") && Buffer.from(value.trim().split(/\s+/)[1] ?? "", "base64").length !== ED25519_BLOB_BYTES) {
    ctx.addIssue({ code: "custom", message: "has an ed25519 key body of the wrong length (truncated paste?); copy the whole line of ssh_host_ed25519_key.pub" });
  }
});

/** An ed25519 public key blob: the length-prefixed type name and the 32-byte key. */
const ED25519_BLOB_BYTES = 4 + "ssh-ed25519".length + 4 + 32;

const port = z
  .number({ error: "expected a port number" })
  .int({ error: "expected a whole port number" })
  .min(1, { error: "expected a port from 1 to 65535" })
  .max(65535, { error: "expected a port from 1 to 65535" });

export const ufwAllowRule = z.strictObject({
  port,
  protocol: z.enum(["tcp", "udp"], { error: 'expected "tcp" or "udp"' }).default("tcp"),
  /** @default - any address */
  from: z.array(cidrBlock).min(1, { error: "expected at least one CIDR block (leave from out for any address)" }).optional(),
  comment: z.string().regex(/^[A-Za-z0-9 ._,:()/-]{1,80}$/, { error: "expected 1-80 letters, digits, spaces or ._,:()/-" }).optional(),
});

export const hostSchema = z.strictObject({
  /** OVH only: what the server costs a month, in euros (OVH bills in euros), for the synth's cost review. */
  monthly_price_eur: z.number().min(0, { error: "expected a monthly price in euros of 0 or more" }).optional(),
  provider: z.enum(["ovh", "digitalocean"], {
    error: 'expected "ovh" (an existing server, bootstrapped from rendered user data) or "digitalocean" (the main stack\'s droplet)',
  }),
  role: z
    .string()
    .min(1, { error: "expected a short description of what the host runs" })
    .max(200, { error: "expected at most 200 characters" })
    .regex(/^[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}"\\]*$/u, { error: "expected plain text on one line (no quotes, backslashes, control, format or line-separator characters)" }),
  /** OVH only: the droplet's OS is droplet_image. */
  os: z.enum(["debian-12", "ubuntu-24.04"], { error: 'expected "debian-12" or "ubuntu-24.04"' }).optional(),
  public_ipv4: publicIpv4Address.optional(),
  public_ipv6: publicIpv6Address.optional(),
  /** OVH only: ports open besides SSH (from allowed_ssh_ips) and WireGuard (from mesh peers). */
  ufw_allow: z.array(ufwAllowRule).optional(),
  intrusion_prevention: z.enum(["fail2ban", "crowdsec", "none"], { error: 'expected "fail2ban", "crowdsec" or "none"' }).default("fail2ban"),
  mesh_address: ipv4Address.optional(),
  wireguard_public_key: z
    .string()
    .regex(WIREGUARD_KEY_FORMAT, { error: "expected the host's WireGuard public key (44 base64 characters, as `wg pubkey` prints it)" })
    .optional(),
  /** Pins SSH connections to the host. @default - unknown: no connection is made to the host */
  ssh_host_key: sshHostKey.optional(),
});

export const meshSchema = z.strictObject({
  cidr: cidrBlock,
  port: port.default(51820),
  mtu: z.number().int({ error: "expected a whole number" }).min(1280, { error: "expected an MTU from 1280 to 1500" }).max(1500, { error: "expected an MTU from 1280 to 1500" }).default(1420),
  keepalive: z.number().int({ error: "expected whole seconds" }).min(0, { error: "expected seconds from 0 to 65535" }).max(65535, { error: "expected seconds from 0 to 65535" }).default(25),
});

const dnsName = z.string().regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+([a-z]{2,63}|xn--[a-z0-9-]{1,59})$/, {
  error: "expected a lowercase domain name such as www.example.org (no trailing dot)",
});

const cloudflareId = z.string().regex(/^[0-9a-f]{32}$/, { error: "expected a Cloudflare id (32 lowercase hex digits)" });

export const cloudflareRecordSchema = z.strictObject({
  name: dnsName,
  /** A/AAAA records to this host's public addresses (the droplet's through a cross-stack reference). */
  host: z.string().regex(HOST_NAME, { error: "expected the name of an entry in hosts" }).optional(),
  /** A CNAME to this name instead. */
  cname: dnsName.optional(),
  proxied: z.boolean().default(true),
});

export const tunnelIngressSchema = z
  .strictObject({
    hostname: dnsName,
    service: z
      .string()
      .max(200, { error: "expected an origin service of at most 200 characters" })
      .regex(TUNNEL_SERVICE_FORMAT, {
        error: 'expected an origin service such as "http://localhost:8080" (http, https, tcp, ssh, rdp, unix) or "http_status:404"',
      }),
    /** Cloudflare Access in front of the hostname; required for SSH, raw TCP and internal ports. */
    access: accessSchema.optional(),
  })
  .superRefine((rule, ctx) => {
    if (!TUNNEL_SERVICE_FORMAT.test(rule.service)) return;
    const problem = tunnelServiceProblem(rule.service, rule.access !== undefined);
    if (problem !== undefined) ctx.addIssue({ code: "custom", path: ["service"], message: problem });
  });

export const cloudflareSchema = z.strictObject({
  /** Needed for tunnels (they belong to an account). */
  account_id: cloudflareId.optional(),
  /** Zone name -> { id = "..." }, or {} to look the zone up by name. */
  zones: z.record(dnsName, z.strictObject({ id: cloudflareId.optional() })),
  records: z.array(cloudflareRecordSchema).default([]),
  tunnel: z
    .strictObject({
      host: z.string().regex(HOST_NAME, { error: "expected the name of an entry in hosts" }),
      ingress: z.array(tunnelIngressSchema).min(1, { error: "expected at least one public hostname for the tunnel" }),
    })
    .optional(),
});

export type RawHost = z.output<typeof hostSchema>;
export type RawMesh = z.output<typeof meshSchema>;
export type RawCloudflare = z.output<typeof cloudflareSchema>;

/** Nested field names, for "did you mean" suggestions. */
export const TOPOLOGY_NESTED_KEYS: Readonly<Record<string, readonly string[]>> = {
  hosts: [...Object.keys(hostSchema.shape), ...Object.keys(ufwAllowRule.shape)],
  mesh: Object.keys(meshSchema.shape),
  cloudflare: [
    ...Object.keys(cloudflareSchema.shape),
    ...Object.keys(cloudflareRecordSchema.shape),
    ...Object.keys(tunnelIngressSchema.shape),
    ...Object.keys(accessSchema.shape),
    "id",
  ],
};
