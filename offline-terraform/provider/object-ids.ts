import { randomInt, randomUUID } from "node:crypto";

/** Resource types whose real ids are integers (as strings in state). */
export const NUMERIC_IDS: ReadonlySet<string> = new Set(["digitalocean_droplet", "digitalocean_record", "digitalocean_ssh_key", "digitalocean_volume", "digitalocean_floating_ip_assignment"]);

/** Resource types whose id is their name. */
export const NAME_IDS: ReadonlySet<string> = new Set(["digitalocean_domain", "digitalocean_spaces_bucket", "digitalocean_tag"]);

/**
 * A fresh id of the right shape for an object created outside Terraform: a nine-digit number,
 * the object's name, or a UUID. `taken` says which ids the store already holds.
 */
export function newObjectId(type: string, attributes: Readonly<Record<string, unknown>>, taken: (id: string) => boolean): string {
  if (NAME_IDS.has(type)) {
    if (typeof attributes.name !== "string" || attributes.name === "") throw new Error(`a ${type} is identified by its name: give attributes.name`);
    return attributes.name;
  }
  for (;;) {
    const id = NUMERIC_IDS.has(type) ? String(randomInt(100_000_000, 1_000_000_000)) : randomUUID();
    if (!taken(id)) return id;
  }
}
