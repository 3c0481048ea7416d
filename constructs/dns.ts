import { DataDigitaloceanDomain } from "@cdktf/provider-digitalocean/lib/data-digitalocean-domain";
import { Domain } from "@cdktf/provider-digitalocean/lib/domain";
import { ProjectResources } from "@cdktf/provider-digitalocean/lib/project-resources";
import { Record as DnsRecord } from "@cdktf/provider-digitalocean/lib/record";
import { Construct } from "constructs";
import { nameResource, RESOURCE_NAMES } from "./addresses";
import { PropsError, requireMatch, requireRange } from "./validation";

/** The application environment's names: the apex, www and api. */
export const DEFAULT_RECORD_NAMES = ["@", "www", "api"] as const;

export interface DnsProps {
  /** Zone name, e.g. `example.com`. */
  readonly domainName: string;
  /** Create the zone in DigitalOcean (true) or add records to an existing one (false). @default true */
  readonly manageDomain?: boolean;
  /** Address the A records point at (usually the droplet's public IPv4). */
  readonly ipv4Address: string;
  /** When set, every name also gets an AAAA record. @default - no AAAA records */
  readonly ipv6Address?: string;
  /** Record names relative to the zone; `@` is the apex. @default ["@", "www", "api"] */
  readonly recordNames?: readonly string[];
  /** @default 300 */
  readonly ttl?: number;
  /** When set and the zone is managed here, the zone joins this project. @default - not attached */
  readonly projectId?: string;
}

/** The hand-written Terraform modules' `modules/dns`: A (and AAAA) records for the public names of the droplet. */
export class Dns extends Construct {
  readonly domainName: string;
  readonly records: readonly DnsRecord[];

  constructor(scope: Construct, id: string, props: DnsProps) {
    super(scope, id);
    const path = this.node.path;
    const ttl = props.ttl ?? 300;
    const names = props.recordNames ?? DEFAULT_RECORD_NAMES;
    requireMatch(path, "domainName", props.domainName, /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/, "expected a lowercase domain name");
    requireRange(path, "ttl", ttl, 30, 86400);
    if (names.length === 0) throw new PropsError(path, "recordNames", names, "expected at least one record name");
    if (new Set(names).size !== names.length) throw new PropsError(path, "recordNames", names, "expected unique names");
    for (const name of names) requireMatch(path, "recordNames", name, /^(@|[a-z0-9*]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*)$/, "expected @ or a relative DNS name");

    const manageDomain = props.manageDomain ?? true;
    const domain = manageDomain
      ? nameResource(new Domain(this, "domain", { name: props.domainName }), RESOURCE_NAMES.domain)
      : nameResource(new DataDigitaloceanDomain(this, "domain", { name: props.domainName }), RESOURCE_NAMES.domain);
    this.domainName = domain.name;

    if (manageDomain && props.projectId !== undefined) {
      nameResource(new ProjectResources(this, "project-resources", { project: props.projectId, resources: [(domain as Domain).urn] }), RESOURCE_NAMES.domainInProject);
    }

    const families: { type: "A" | "AAAA"; value: string }[] = [{ type: "A", value: props.ipv4Address }];
    if (props.ipv6Address !== undefined) families.push({ type: "AAAA", value: props.ipv6Address });
    this.records = families.flatMap(({ type, value }) =>
      names.map(
        (name) =>
          nameResource(
            new DnsRecord(this, `${type.toLowerCase()}-${name === "@" ? "apex" : name}`, { domain: domain.name, type, name, value, ttl }),
            RESOURCE_NAMES.digitalOceanRecord(name, type),
          ),
      ),
    );
  }
}
