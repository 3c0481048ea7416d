/**
 * What each stack output means, for outputs whose definition carries no description. Keyed by
 * output name (or a name pattern for per-bucket outputs); a description given at the output's
 * definition wins. A test checks that every output of every stack is described.
 */
const BY_NAME: Readonly<Record<string, string>> = {
  droplet_ip: "Public IPv4 address of the droplet",
  droplet_ipv6: "Public IPv6 address of the droplet (only when enable_ipv6 is true)",
  droplet_private_ip: "The droplet's address in the VPC, for traffic between the environment's machines",
  ssh_command: "How to log in to the droplet as the deploy user",
  vpc_id: "Id of the VPC (the environment's private network)",
  firewall_ids: "Ids of the cloud firewalls attached to the droplet",
  project_id: "Id of the DigitalOcean project that groups the environment's resources",
  bucket_names: "Name of every Spaces bucket this stack manages",
};

const BY_PATTERN: readonly (readonly [RegExp, (match: RegExpExecArray) => string])[] = [
  [/^(.+)_endpoint$/, (match) => `Domain name of the ${(match[1] ?? "").replaceAll("_", "-")} bucket (its S3 endpoint host)`],
];

/** The description to show for an output: its own, else the table's; undefined when neither has one. */
export function outputDescription(name: string, own: string | undefined): string | undefined {
  if (own !== undefined && own !== "") return own;
  const named = BY_NAME[name];
  if (named !== undefined) return named;
  for (const [pattern, describe] of BY_PATTERN) {
    const match = pattern.exec(name);
    if (match !== null) return describe(match);
  }
  return undefined;
}
