import { stringify } from "yaml";

/** A file cloud-init writes (`write_files`). */
export interface WriteFile {
  readonly path: string;
  readonly content: string;
  /** Octal mode as a string, e.g. "0644". */
  readonly permissions: string;
  /** @default "root:root" */
  readonly owner?: string;
  /** Write after users are created (needed for files owned by them). @default false */
  readonly defer?: boolean;
}

export interface CloudUser {
  readonly name: string;
  readonly groups?: readonly string[];
  readonly shell?: string;
  readonly sudo?: string;
  readonly lock_passwd?: boolean;
  readonly ssh_authorized_keys?: readonly string[];
}

/**
 * The subset of cloud-config our builders emit. Parts are merged: lists concatenate in part
 * order, scalars must agree.
 */
export interface CloudConfigPart {
  readonly users?: readonly CloudUser[];
  readonly ssh_pwauth?: boolean;
  readonly disable_root?: boolean;
  readonly package_update?: boolean;
  readonly package_upgrade?: boolean;
  readonly packages?: readonly string[];
  readonly timezone?: string;
  readonly write_files?: readonly WriteFile[];
  /** Shell commands, each run by `sh -c` in order after packages are installed. */
  readonly runcmd?: readonly string[];
}

const LIST_KEYS = ["users", "packages", "write_files", "runcmd"] as const;
type ListKey = (typeof LIST_KEYS)[number];

/** Merges parts in order; a scalar set twice to different values is a programming error. */
export function mergeParts(parts: readonly CloudConfigPart[]): CloudConfigPart {
  const merged: Record<string, unknown> = {};
  for (const part of parts) {
    for (const [key, value] of Object.entries(part)) {
      if (value === undefined) continue;
      if ((LIST_KEYS as readonly string[]).includes(key)) {
        merged[key] = [...((merged[key] as unknown[] | undefined) ?? []), ...(value as unknown[])];
      } else if (key in merged && merged[key] !== value) {
        throw new Error(`cloud-config parts disagree on ${key}: ${JSON.stringify(merged[key])} vs ${JSON.stringify(value)}`);
      } else {
        merged[key] = value;
      }
    }
  }
  for (const key of ["packages"] as ListKey[]) {
    if (Array.isArray(merged[key])) merged[key] = [...new Set(merged[key] as string[])];
  }
  return merged as CloudConfigPart;
}

/** Renders a cloud-config document with the `yaml` library (never string templates). */
export function renderCloudConfig(parts: readonly CloudConfigPart[]): string {
  const body = stringify(mergeParts(parts), { lineWidth: 0, defaultStringType: "PLAIN", defaultKeyType: "PLAIN" });
  return `#cloud-config\n${body}`;
}
