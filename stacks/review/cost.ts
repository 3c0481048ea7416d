import { PRICE_TABLE } from "../../config/prices";
import { resourcesByAddress, type TerraformJson } from "../terraform-json";

/** What the cost review needs from the config. */
export interface PriceInputs {
  /** Droplet size -> US dollars a month, over the repository's table. */
  readonly prices?: Readonly<Record<string, number>>;
  /** OVH servers of the hosts stack, with their price in euros when the config gives one. */
  readonly ovhServers?: readonly { readonly name: string; readonly monthlyPriceEur?: number }[];
}

/** Amounts in cents per currency: DigitalOcean bills in dollars, OVH in euros; never converted. */
export interface Money {
  readonly usd: number;
  readonly eur: number;
}

export interface StackCost {
  readonly total: Money;
  /** One entry per priced item, e.g. `droplet s-2vcpu-4gb $24.00`. */
  readonly items: readonly string[];
  /** What could not be priced, e.g. `unknown price for size s-9vcpu-99gb`. */
  readonly unknown: readonly string[];
}

/** The monthly cost of one stack from its synthesized resources (and, for the hosts stack, the OVH servers). */
export function stackCost(json: TerraformJson, inputs: PriceInputs, hostsStack: boolean): StackCost {
  const items: string[] = [];
  const unknown: string[] = [];
  let usd = 0;
  let eur = 0;
  const resources = resourcesByAddress(json);
  for (const [address, body] of resources) {
    if (!address.startsWith("digitalocean_droplet.")) continue;
    const size = String(body.size);
    const monthly = inputs.prices?.[size] ?? PRICE_TABLE.dropletMonthly[size];
    if (monthly === undefined) {
      unknown.push(`unknown price for size ${size} (set prices = { "${size}" = <dollars a month> })`);
      continue;
    }
    usd += cents(monthly);
    items.push(`droplet ${size} ${formatMoney({ usd: cents(monthly), eur: 0 })}`);
    if (body.backups === true) {
      const plan = backupPlan(body.backup_policy);
      const backups = Math.round(cents(monthly) * PRICE_TABLE.backupsShare[plan]);
      usd += backups;
      items.push(`${plan} backups ${formatMoney({ usd: backups, eur: 0 })}`);
    }
  }
  const buckets = [...resources.keys()].filter((address) => address.startsWith("digitalocean_spaces_bucket.")).length;
  if (buckets > 0) {
    usd += cents(PRICE_TABLE.spacesSubscriptionMonthly);
    items.push(`Spaces subscription ${formatMoney({ usd: cents(PRICE_TABLE.spacesSubscriptionMonthly), eur: 0 })} (${buckets} buckets, ${PRICE_TABLE.spacesIncludedGiB} GiB included)`);
  }
  if (hostsStack) {
    for (const server of inputs.ovhServers ?? []) {
      if (server.monthlyPriceEur === undefined) {
        unknown.push(`unknown price for OVH server ${server.name} (set monthly_price_eur in its hosts entry)`);
        continue;
      }
      eur += cents(server.monthlyPriceEur);
      items.push(`OVH ${server.name} ${formatMoney({ usd: 0, eur: cents(server.monthlyPriceEur) })}`);
    }
  }
  return { total: { usd, eur }, items, unknown };
}

/** `$24.00`, `€12.50`, `$24.00 + €12.50`, or `$0.00`. */
export function formatMoney(money: Money, signed = false): string {
  const part = (amount: number, symbol: string) => `${signed ? (amount < 0 ? "-" : "+") : amount < 0 ? "-" : ""}${symbol}${(Math.abs(amount) / 100).toFixed(2)}`;
  const parts = [...(money.usd !== 0 || money.eur === 0 ? [part(money.usd, "$")] : []), ...(money.eur !== 0 ? [part(money.eur, "€")] : [])];
  return parts.join(" ");
}

/** The cost review line of one stack: this month's total, what it is made of, the change since the last synthesis. */
export function renderCost(next: StackCost, previous: StackCost | undefined): string[] {
  const change = previous === undefined ? undefined : { usd: next.total.usd - previous.total.usd, eur: next.total.eur - previous.total.eur };
  const since = change === undefined ? "" : change.usd === 0 && change.eur === 0 ? "; unchanged since the last synthesis" : `; ${formatMoney(change, true)} since the last synthesis`;
  const lines = [`  monthly:   ${formatMoney(next.total)}${next.items.length === 0 ? "" : ` (${next.items.join(", ")})`}${since}`];
  lines.push(...next.unknown.map((entry) => `             ${entry}`));
  return lines;
}

/** The line after every stack: what all of them cost a month, and the change since the last synthesis. */
export function renderTotalCost(costs: readonly { next: StackCost; previous: StackCost | undefined }[]): string {
  const sum = (pick: (cost: { next: StackCost; previous: StackCost | undefined }) => Money | undefined): Money =>
    costs.reduce((total, cost) => ({ usd: total.usd + (pick(cost)?.usd ?? 0), eur: total.eur + (pick(cost)?.eur ?? 0) }), { usd: 0, eur: 0 });
  const next = sum((cost) => cost.next.total);
  const previous = sum((cost) => cost.previous?.total);
  const change = { usd: next.usd - previous.usd, eur: next.eur - previous.eur };
  const unknown = costs.reduce((count, cost) => count + cost.next.unknown.length, 0);
  const first = costs.every((cost) => cost.previous === undefined);
  const since = first ? "" : change.usd === 0 && change.eur === 0 ? ", unchanged since the last synthesis" : `, ${formatMoney(change, true)} since the last synthesis`;
  return `monthly total: ${formatMoney(next)}${since}${unknown === 0 ? "" : ` (${unknown} ${unknown === 1 ? "item" : "items"} without a price, above)`}`;
}

/** The droplet's backup plan: daily unless its backup_policy says weekly (the provider's default is daily). */
function backupPlan(policy: unknown): "weekly" | "daily" {
  const block: unknown = Array.isArray(policy) ? policy[0] : policy;
  return (block as { plan?: unknown } | undefined)?.plan === "weekly" ? "weekly" : "daily";
}

function cents(dollars: number): number {
  return Math.round(dollars * 100);
}
