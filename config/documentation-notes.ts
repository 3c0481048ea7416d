import { parseCidr } from "./cidr";
import { issueLocation } from "./errors";
import type { SourcePosition } from "./hcl-scan";
import type { SourceLocator } from "./locate";
import { documentationRfc } from "./public-address";
import type { Tfvars } from "./schema";
import { joinPath } from "./show-value";

/**
 * Addresses from the documentation ranges (RFC 5737, RFC 3849) are valid, so the example
 * synthesizes, but they route nowhere: each one gets a note for the review before applying.
 */
export function documentationNotes(raw: Tfvars, locator: SourceLocator, displayName: string): string[] {
  const notes: { at: SourcePosition | undefined; text: string }[] = [];
  const note = (path: (string | number)[], value: string, rfc: string, effect: string) => {
    const at = locator.value(path);
    notes.push({ at, text: `${issueLocation(displayName, at ?? {})}: ${joinPath(path)} = ${value} is a documentation address (${rfc}): ${effect}; replace it before applying` });
  };
  for (const [name, host] of Object.entries(raw.hosts).sort(([a], [b]) => a.localeCompare(b))) {
    for (const field of ["public_ipv4", "public_ipv6"] as const) {
      const address = host[field];
      const rfc = address === undefined ? undefined : documentationRfc(address);
      if (address !== undefined && rfc !== undefined) note(["hosts", name, field], address, rfc, "it routes nowhere");
    }
  }
  raw.allowed_ssh_ips.forEach((block, index) => {
    const rfc = documentationRfc(parseCidr(block).address.toString());
    if (rfc !== undefined) note(["allowed_ssh_ips", index], block, rfc, "SSH would be reachable from nowhere");
  });
  // In file order, as a reviewer reads it.
  notes.sort((a, b) => (a.at?.line ?? 0) - (b.at?.line ?? 0) || (a.at?.column ?? 0) - (b.at?.column ?? 0));
  return notes.map((entry) => entry.text);
}
