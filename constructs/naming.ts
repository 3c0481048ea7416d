/** A host name in `hosts`, used in file paths, construct ids and WireGuard comments. */
export const HOST_NAME = /^[a-z]([a-z0-9-]{0,30}[a-z0-9])?$/;

/** `<project>-<environment>`: the prefix of every resource name, as in the hand-written Terraform modules. */
export function namePrefix(projectName: string, environment: string): string {
  return `${projectName}-${environment}`;
}

/**
 * DigitalOcean tags from a key/value map: lowercase `key:value`, sorted so output is stable.
 * Project and environment tags are always present; common_tags cannot override them.
 */
export function digitalOceanTags(projectName: string, environment: string, commonTags: Readonly<Record<string, string>>): string[] {
  const tags = new Map<string, string>();
  for (const [key, value] of Object.entries(commonTags)) tags.set(key.toLowerCase(), value.toLowerCase());
  tags.set("project", projectName);
  tags.set("environment", environment);
  tags.set("managed-by", "cdktf");
  return [...tags.entries()].map(([key, value]) => `${key}:${value}`).sort();
}
