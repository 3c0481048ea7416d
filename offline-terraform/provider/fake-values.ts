import { createHash } from "node:crypto";
import type { CtyType } from "../schema/types";
import type { Value } from "./msgpack-value";
import { NAME_IDS, NUMERIC_IDS } from "./object-ids";

/**
 * Type-correct stand-ins for what the real API would return, derived from a stable seed (the
 * resource type and its configuration), so the same config always gets the same fakes.
 * Shapes follow DigitalOcean/Cloudflare: numeric droplet, record and key ids (a firewall's
 * `droplet_ids` is a set of numbers), UUIDs elsewhere, URNs, documentation IP ranges.
 */
export class FakeValues {
  private counter = 0;

  constructor(private readonly typeName: string, seed: string) {
    this.digest = createHash("sha256").update(`${typeName}\n${seed}`).digest("hex");
  }

  private readonly digest: string;

  /** A fake for attribute `name` of type `type` in an object whose known values are `known`. */
  value(name: string, type: CtyType, known: Readonly<Record<string, Value>>): Value {
    this.counter += 1;
    if (type === "string") return this.string(name, known);
    if (type === "number") return name === "id" || name.endsWith("_id") ? this.numericId() : this.counter;
    if (type === "bool") return false;
    if (Array.isArray(type) && type[0] === "object") {
      const fields = type[1] as Record<string, CtyType>;
      const object: Record<string, Value> = {};
      for (const [field, fieldType] of Object.entries(fields)) object[field] = this.value(field, fieldType, object);
      return object;
    }
    if (Array.isArray(type) && type[0] === "map") return {};
    if (Array.isArray(type)) return [];
    return null;
  }

  private string(name: string, known: Readonly<Record<string, Value>>): string {
    const octet = (parseInt(this.digest.slice(8, 10), 16) % 250) + 2;
    if (name === "id") return this.id(known);
    if (name === "urn") return `do:${this.typeName.replace(/^digitalocean_/, "").replace(/_/g, "")}:${typeof known.id === "string" ? known.id : this.id(known)}`;
    if (/private/.test(name) && /ip|address/.test(name)) return `10.0.0.${octet}`;
    if (/ipv6/.test(name)) return `2001:db8::${octet.toString(16)}`;
    if (/(^|_)ip(v4)?(_address)?$|ipv4_address/.test(name)) return `203.0.113.${octet}`;
    if (/_at$|_on$/.test(name)) return "2026-01-01T00:00:00Z";
    if (/fqdn|endpoint|domain_name|hostname/.test(name)) return `fake-${this.digest.slice(0, 8)}.example.test`;
    if (name.endsWith("_id") || name === "uuid") return this.uuid();
    return `fake-${name}-${this.digest.slice(0, 8)}`;
  }

  private id(known: Readonly<Record<string, Value>>): string {
    if (NAME_IDS.has(this.typeName) && typeof known.name === "string") return known.name;
    if (NUMERIC_IDS.has(this.typeName)) return String(this.numericId());
    return this.uuid();
  }

  private numericId(): number {
    return (parseInt(this.digest.slice(0, 8), 16) % 900_000_000) + 100_000_000 + this.counter;
  }

  private uuid(): string {
    const hex = createHash("sha256").update(`${this.digest}:${this.counter}`).digest("hex");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }
}
