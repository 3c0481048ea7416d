/**
 * The guard-rail policies checked on every synth. Pure data (no CDKTF imports) so the config
 * schema can validate waiver ids against it. The policy table of docs/guard-rails.md mirrors this list.
 */
export const POLICIES = {
  "NET-001": {
    title: "internal ports stay inside the VPC and mesh",
    fix: "allow the port from vpc_cidr or the WireGuard mesh only; publish the service through the web ports (80/443), or a tunnel hostname behind Cloudflare Access, instead",
  },
  "NET-002": {
    title: "SSH is never open to the whole internet",
    fix: "list the addresses that need SSH in allowed_ssh_ips (e.g. an office or VPN /32), or set allow_ssh_from_anywhere = true to accept the risk",
  },
  "NET-003": {
    title: "the WireGuard port is open to the mesh peers, not the internet",
    fix: "open the WireGuard port to the mesh peers' public addresses only (the mesh setting does this); a roaming peer needs a policy waiver with its reason",
  },
  "NET-004": {
    title: "a tunnel publishes web services of its own host; SSH, TCP and RDP only behind Cloudflare Access",
    fix: "point the tunnel at a service on its own host (http://localhost:PORT), and put SSH, raw TCP, RDP and internal ports behind Cloudflare Access (access = { allowed_emails = [...] } on the ingress rule)",
  },
  "STO-001": {
    title: "no public bucket except the declared assets bucket",
    fix: "make the bucket private (acl = \"private\"); only the assets bucket may be public-read, and no bucket is ever public-write",
  },
  "STO-002": {
    title: "the Terraform state bucket is versioned and protected from destroy",
    fix: "give the state bucket versioning { enabled = true }, lifecycle { prevent_destroy = true } and no force_destroy",
  },
  "CMP-001": {
    title: "every droplet has SSH keys",
    fix: "pass the deploy key to the droplet (ssh_keys); without one DigitalOcean e-mails a root password",
  },
  "CMP-002": {
    title: "every droplet has monitoring",
    fix: "set enable_monitoring = true (the DigitalOcean agent feeds alerts and graphs)",
  },
  "HOST-001": {
    title: "every host's UFW denies inbound by default",
    fix: "build the host's cloud-init with the UFW part: `ufw default deny incoming` before any allow rule, `ufw --force enable` last",
  },
  "SEC-001": {
    title: "nothing synthesized looks like a secret",
    fix: "pass credentials as sensitive Terraform variables (TF_VAR_...) and let hosts generate their own keys; never embed them in resources, outputs or user data",
  },
} as const;

export type PolicyId = keyof typeof POLICIES;

export const POLICY_IDS = Object.keys(POLICIES) as [PolicyId, ...PolicyId[]];
