import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";

type StackJson = { resource?: Record<string, Record<string, Record<string, unknown>>> };

/**
 * Removes provisioners and their connections from a stack in the scratch copy, before an
 * offline apply. Terraform core runs provisioners itself (not the provider), and the hosts
 * stack's SSH provisioners would dial real servers. Validate and plan keep them, so they are
 * still checked; only what apply would execute is dropped. Returns the addresses affected.
 */
export function stripProvisioners(stackDir: string): string[] {
  const file = path.join(stackDir, "cdk.tf.json");
  const stack = JSON.parse(readFileSync(file, "utf8")) as StackJson;
  const stripped: string[] = [];
  for (const [type, resources] of Object.entries(stack.resource ?? {})) {
    for (const [name, resource] of Object.entries(resources)) {
      if (resource.provisioner === undefined && resource.connection === undefined) continue;
      delete resource.provisioner;
      delete resource.connection;
      stripped.push(`${type}.${name}`);
    }
  }
  if (stripped.length > 0) writeFileSync(file, JSON.stringify(stack, null, 2));
  return stripped;
}
