/**
 * DigitalOcean list prices the synth's cost review uses, in US dollars a month. Overridden per
 * size by `prices` in the config (e.g. negotiated prices, or a size missing here); a size in
 * neither is reported as unknown, never guessed.
 *
 * Source: DigitalOcean's pricing documentation, read on 2026-11-30:
 * - Basic (Regular) Droplets: https://www.digitalocean.com/pricing/droplets
 * - Backups: https://docs.digitalocean.com/products/backups/details/pricing/ (weekly backups add
 *   20% of the Droplet's monthly cost, daily ones 30%). A droplet with backups and no
 *   backup_policy gets daily backups (digitalocean_droplet documentation, provider 2.71.0).
 * - Spaces: https://docs.digitalocean.com/products/spaces/details/pricing/ ($5 a month per
 *   account, 250 GiB of storage and 1 TiB of outbound transfer included)
 */
export const PRICE_TABLE = {
  source: "DigitalOcean pricing pages (droplets, backups, Spaces)",
  checked: "2026-11-30",
  currency: "USD",
  dropletMonthly: {
    "s-1vcpu-512mb-10gb": 4,
    "s-1vcpu-1gb": 6,
    "s-1vcpu-2gb": 12,
    "s-2vcpu-2gb": 18,
    "s-2vcpu-4gb": 24,
    "s-4vcpu-8gb": 48,
    "s-8vcpu-16gb": 96,
  } as Readonly<Record<string, number>>,
  /** Backups by plan, as a share of the droplet's monthly price. */
  backupsShare: { weekly: 0.2, daily: 0.3 } as Readonly<Record<"weekly" | "daily", number>>,
  spacesSubscriptionMonthly: 5,
  spacesIncludedGiB: 250,
} as const;
