import { DataCloudflareZone } from "@cdktf/provider-cloudflare/lib/data-cloudflare-zone";
import { DnsRecord } from "@cdktf/provider-cloudflare/lib/dns-record";
import { Construct } from "constructs";
import { cidrProblem, parseCidr } from "../config/cidr";
import { nameResource, RESOURCE_NAMES } from "./addresses";
import { isUnresolved, PropsError, requireMatch } from "./validation";

/** Lowercase DNS name without a trailing dot, e.g. blog.example.org. */
export const DNS_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+([a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;
/** Cloudflare account and zone ids: 32 lowercase hex digits. */
export const CLOUDFLARE_ID = /^[0-9a-f]{32}$/;
/** Cloudflare's "automatic" TTL; the only TTL a proxied record can have, and required by provider v5. */
export const AUTOMATIC_TTL = 1;

export interface CloudflareZoneRef {
  /** Zone name, e.g. `example.org`. */
  readonly name: string;
  /** The zone's id. @default - looked up by name with the `cloudflare_zone` data source */
  readonly id?: string;
}

/** A and (optionally) AAAA records to these addresses; Terraform references are accepted. */
export interface AddressTarget {
  readonly kind: "addresses";
  readonly ipv4: string;
  /** @default - no AAAA record */
  readonly ipv6?: string;
}

/** A CNAME to this name. */
export interface CnameTarget {
  readonly kind: "cname";
  readonly name: string;
}

export interface CloudflareRecordSpec {
  /** Full name, e.g. `blog.example.org` (the zone apex is its zone's name). */
  readonly name: string;
  /** Name of the zone the record belongs to; one of `zones`. */
  readonly zone: string;
  readonly target: AddressTarget | CnameTarget;
  /** Traffic goes through Cloudflare's proxy (CDN, DDoS protection, hidden origin). @default true */
  readonly proxied?: boolean;
}

export interface CloudflareRecordsProps {
  /** Every zone records may belong to; zones without an id are looked up by name. */
  readonly zones: readonly CloudflareZoneRef[];
  readonly records: readonly CloudflareRecordSpec[];
  /** Shown next to every record in the Cloudflare dashboard. @default "managed by cdktf" */
  readonly comment?: string;
}

export type RecordType = "A" | "AAAA" | "CNAME";

export interface RecordEntry {
  readonly id: string;
  readonly name: string;
  readonly type: RecordType;
  readonly content: string;
  readonly proxied: boolean;
}

/** `blog.example.org` + `A` -> `blog_example_org_a`: construct ids are readable and stable. */
export function recordId(name: string, type: RecordType): string {
  return `${name.replaceAll(".", "_")}_${type.toLowerCase()}`;
}

/** Zone id expression of each zone: the configured id, or the lookup's. */
export function zoneIdsFor(scope: Construct, zones: readonly CloudflareZoneRef[]): ReadonlyMap<string, string> {
  const ids = new Map<string, string>();
  for (const zone of zones) {
    const lookup = () =>
      nameResource(new DataCloudflareZone(scope, `zone_${zone.name.replaceAll(".", "_")}`, { filter: { name: zone.name } }), RESOURCE_NAMES.cloudflareZone(zone.name)).id;
    ids.set(zone.name, zone.id ?? lookup());
  }
  return ids;
}

/**
 * Cloudflare DNS records (provider v5 `cloudflare_dns_record`): A/AAAA to addresses, or a
 * CNAME, proxied unless said otherwise, with the automatic TTL. Zones given by name only are
 * looked up once each.
 */
export class CloudflareRecords extends Construct {
  /** Zone name -> zone id (a literal, or a reference to its lookup). */
  readonly zoneIds: ReadonlyMap<string, string>;
  /** Record construct id -> record. */
  readonly records: ReadonlyMap<string, DnsRecord>;
  /** What each record was created with, in creation order (for outputs and review). */
  readonly entries: readonly RecordEntry[];

  constructor(scope: Construct, id: string, props: CloudflareRecordsProps) {
    super(scope, id);
    validate(this.node.path, props);
    this.zoneIds = zoneIdsFor(this, props.zones);
    const comment = props.comment ?? "managed by cdktf";
    const records = new Map<string, DnsRecord>();
    const entries: RecordEntry[] = [];
    for (const spec of props.records) {
      for (const [type, content] of contents(spec.target)) {
        const recordConstructId = recordId(spec.name, type);
        entries.push({ id: recordConstructId, name: spec.name, type, content, proxied: spec.proxied ?? true });
        records.set(
          recordConstructId,
          nameResource(
            new DnsRecord(this, recordConstructId, {
              zoneId: this.zoneIds.get(spec.zone) as string,
              name: spec.name,
              type,
              content,
              proxied: spec.proxied ?? true,
              ttl: AUTOMATIC_TTL,
              comment,
            }),
            RESOURCE_NAMES.cloudflareRecord(spec.name, type),
          ),
        );
      }
    }
    this.records = records;
    this.entries = entries;
  }
}

function contents(target: AddressTarget | CnameTarget): [RecordType, string][] {
  if (target.kind === "cname") return [["CNAME", target.name]];
  return target.ipv6 === undefined ? [["A", target.ipv4]] : [["A", target.ipv4], ["AAAA", target.ipv6]];
}

/** What the config loader cannot guarantee for a construct used on its own. */
function validate(path: string, props: CloudflareRecordsProps): void {
  if (props.zones.length === 0) throw new PropsError(path, "zones", props.zones, "expected at least one zone");
  const zoneNames = new Set<string>();
  for (const zone of props.zones) {
    requireMatch(path, "zones[].name", zone.name, DNS_NAME, "expected a lowercase domain name such as example.org");
    if (zone.id !== undefined) requireMatch(path, `zones[${zone.name}].id`, zone.id, CLOUDFLARE_ID, "expected a Cloudflare zone id (32 lowercase hex digits)");
    if (zoneNames.has(zone.name)) throw new PropsError(path, "zones[].name", zone.name, "expected each zone once");
    zoneNames.add(zone.name);
  }
  const names = new Set<string>();
  for (const record of props.records) {
    const at = `records[${record.name}]`;
    requireMatch(path, "records[].name", record.name, DNS_NAME, "expected a lowercase domain name such as blog.example.org");
    if (!zoneNames.has(record.zone)) throw new PropsError(path, `${at}.zone`, record.zone, `expected one of the zones (${[...zoneNames].join(", ")})`);
    if (record.name !== record.zone && !record.name.endsWith(`.${record.zone}`)) {
      throw new PropsError(path, `${at}.zone`, record.zone, `expected the zone ${record.name} is in`);
    }
    if (names.has(record.name)) throw new PropsError(path, "records[].name", record.name, "expected each name once (a CNAME cannot share its name; A and AAAA come from one entry)");
    names.add(record.name);
    const target = record.target;
    if (target.kind === "cname") {
      requireMatch(path, `${at}.target.name`, target.name, DNS_NAME, "expected a lowercase domain name to point the CNAME at");
      if (target.name === record.name) throw new PropsError(path, `${at}.target.name`, target.name, "expected another name than the record's own");
    } else {
      requireAddress(path, `${at}.target.ipv4`, target.ipv4, "ipv4");
      if (target.ipv6 !== undefined) requireAddress(path, `${at}.target.ipv6`, target.ipv6, "ipv6");
    }
  }
}

function requireAddress(path: string, prop: string, value: string, family: "ipv4" | "ipv6"): void {
  if (isUnresolved(value)) return;
  const bits = family === "ipv4" ? 32 : 128;
  const valid = !value.includes("/") && cidrProblem(`${value}/${bits}`) === undefined && parseCidr(`${value}/${bits}`).family === family;
  if (!valid) throw new PropsError(path, prop, value, `expected one ${family === "ipv4" ? "IPv4" : "IPv6"} address, e.g. ${family === "ipv4" ? "198.51.100.20" : "2001:db8::20"}`);
}
