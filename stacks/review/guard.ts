import type { ResourcePlan, StackPlan } from "./plan";
import { ChangeRefusedError } from "./refusal";
import { showValue } from "./render-plan";

/** Resource types that hold data or identity: replacing or removing one loses it. */
export const PROTECTED_TYPES: Readonly<Record<string, string>> = {
  digitalocean_droplet: "its disk holds the application's data",
  digitalocean_vpc: "the droplet's private addresses belong to it",
  digitalocean_domain: "the domain's zone and every record in it",
  digitalocean_spaces_bucket: "it holds objects (the state bucket holds every stack's Terraform state)",
  cloudflare_zero_trust_tunnel_cloudflared: "its identity: every connector runs with its token",
};

/** Ways to confirm a replacement on purpose: for one synth, or in the config with a reason. */
export interface ReplacementConfirmations {
  /** `--allow-replace <address>`, for this synth only. */
  readonly allowReplace?: readonly string[];
  /** `allow_replace` in the config: address -> written reason. */
  readonly allowReplaceInConfig?: Readonly<Record<string, string>>;
}

/** A replacement or removal of a protected resource the user did not confirm. Nothing is written. */
export class ReplacementRefusedError extends ChangeRefusedError {
  constructor(message: string) {
    super(message);
    this.name = "ReplacementRefusedError";
  }
}

/**
 * Refuses a synthesis that would replace or remove a protected resource (by type, or with
 * `prevent_destroy`) unless its address is confirmed. Returns one notice per confirmed
 * replacement and per config confirmation that matched nothing (stale: remove it).
 */
export function guardReplacements(plans: readonly StackPlan[], confirmations: ReplacementConfirmations): string[] {
  const fromConfig = confirmations.allowReplaceInConfig ?? {};
  const confirmed = new Set([...(confirmations.allowReplace ?? []), ...Object.keys(fromConfig)]);
  const refused: string[] = [];
  const notices: string[] = [];
  const used = new Set<string>();
  for (const plan of plans) {
    for (const resource of plan.resources) {
      const why = protectionOf(resource);
      if (why === undefined || (resource.action !== "replace" && resource.action !== "delete")) continue;
      const description = `${plan.name}: ${resource.address} would be ${describe(resource)}; protected: ${why}`;
      if (confirmed.has(resource.address)) {
        used.add(resource.address);
        const reason = fromConfig[resource.address];
        notices.push(`confirmed: ${description}${reason === undefined ? " (--allow-replace)" : ` (allow_replace: ${reason})`}`);
      } else {
        refused.push(description);
      }
    }
  }
  if (refused.length > 0) {
    const addresses = [...new Set(refused.map((line) => line.split(" ")[1] ?? ""))];
    throw new ReplacementRefusedError(
      [
        `refusing to replace or remove what holds data or identity (${refused.length}):`,
        ...refused.map((line) => `  ${line}`),
        "To do it on purpose, after backing up what it holds, confirm each address for one synth:",
        `  npm run synth -- ${addresses.map((address) => `--allow-replace ${address}`).join(" ")}`,
        "or keep the confirmation with a written reason in the config:",
        `  allow_replace = { ${addresses.map((address) => `"${address}" = "<why, and where its data went>"`).join(", ")} }`,
      ].join("\n"),
    );
  }
  for (const address of Object.keys(fromConfig).filter((entry) => !used.has(entry)).sort()) {
    notices.push(`allow_replace entry ${address} matched no replacement or removal: remove it from the config, so that it cannot allow a later one`);
  }
  return notices;
}

function protectionOf(resource: ResourcePlan): string | undefined {
  if (resource.preventDestroy) return "lifecycle prevent_destroy";
  return PROTECTED_TYPES[resource.type];
}

function describe(resource: ResourcePlan): string {
  if (resource.action === "delete") return "REMOVED (destroyed with what it holds)";
  const forcing = resource.changes
    .filter((change) => change.effect === "replaces")
    .map((change) => `${change.path}: ${showValue(change.before)} -> ${showValue(change.after)}`);
  return `REPLACED, forced by ${forcing.join(", ")}`;
}
