import { isDeepStrictEqual } from "node:util";
import { stringify } from "yaml";

/** A file cloud-init writes (`write_files`). */
export interface WriteFile {
  readonly path: string;
  readonly content: string;
  /** Octal mode as a string, e.g. "0644". */
  readonly permissions: string;
  /** @default "root:root" */
  readonly owner?: string;
  /** Append to an existing file instead of replacing it. @default false */
  readonly append?: boolean;
  /**
   * Write in the final stage, after packages are installed and users exist (needed for files
   * owned by them, or appended to a file a package ships). @default false
   */
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

/** One apt source (`apt.sources.<name>`); `$KEY_FILE` and `$RELEASE` are filled in by cloud-init. */
export interface AptSource {
  readonly source: string;
  /** ASCII-armored public key the source is signed with. */
  readonly key: string;
}

/**
 * The subset of cloud-config our builders emit. Parts are merged: lists concatenate in part
 * order, `apt.sources` maps merge, other values must agree.
 */
export interface CloudConfigPart {
  readonly users?: readonly CloudUser[];
  readonly ssh_pwauth?: boolean;
  readonly disable_root?: boolean;
  readonly package_update?: boolean;
  readonly package_upgrade?: boolean;
  readonly packages?: readonly string[];
  readonly timezone?: string;
  readonly apt?: { readonly sources: Readonly<Record<string, AptSource>> };
  readonly write_files?: readonly WriteFile[];
  /** Shell commands, each run by `sh -c` in order in the final stage, after packages are installed. */
  readonly runcmd?: readonly string[];
}

/** Every top-level key a cloud-config of ours may have (tests refuse any other). */
export const CLOUD_CONFIG_KEYS = [
  "users",
  "ssh_pwauth",
  "disable_root",
  "package_update",
  "package_upgrade",
  "packages",
  "timezone",
  "apt",
  "write_files",
  "runcmd",
] as const satisfies readonly (keyof CloudConfigPart)[];

const LIST_KEYS: readonly string[] = ["users", "packages", "write_files", "runcmd"];

/** Merges parts in order; a value set twice to different values is a programming error. */
export function mergeParts(parts: readonly CloudConfigPart[]): CloudConfigPart {
  const merged: Record<string, unknown> = {};
  for (const part of parts) {
    for (const [key, value] of Object.entries(part)) {
      if (value === undefined) continue;
      if (LIST_KEYS.includes(key)) {
        merged[key] = [...((merged[key] as unknown[] | undefined) ?? []), ...(value as unknown[])];
      } else if (key === "apt") {
        merged[key] = { sources: mergeAptSources((merged[key] as CloudConfigPart["apt"])?.sources ?? {}, (value as NonNullable<CloudConfigPart["apt"]>).sources) };
      } else if (key in merged && !isDeepStrictEqual(merged[key], value)) {
        throw new Error(`cloud-config parts disagree on ${key}: ${JSON.stringify(merged[key])} vs ${JSON.stringify(value)}`);
      } else {
        merged[key] = value;
      }
    }
  }
  if (Array.isArray(merged.packages)) merged.packages = [...new Set(merged.packages as string[])];
  const paths = new Set<string>();
  for (const file of (merged.write_files as WriteFile[] | undefined) ?? []) {
    const identity = `${file.path}${file.append === true ? " (append)" : ""}`;
    if (paths.has(identity)) throw new Error(`cloud-config parts both write ${file.path}`);
    paths.add(identity);
  }
  return merged as CloudConfigPart;
}

function mergeAptSources(
  left: Readonly<Record<string, AptSource>>,
  right: Readonly<Record<string, AptSource>>,
): Record<string, AptSource> {
  const merged: Record<string, AptSource> = { ...left };
  for (const [name, source] of Object.entries(right)) {
    const existing = merged[name];
    if (existing !== undefined && !isDeepStrictEqual(existing, source)) throw new Error(`cloud-config parts disagree on apt source ${name}`);
    merged[name] = source;
  }
  return merged;
}

/** Renders a cloud-config document with the `yaml` library (never string templates). */
export function renderCloudConfig(parts: readonly CloudConfigPart[]): string {
  const body = stringify(mergeParts(parts), {
    lineWidth: 0,
    defaultStringType: "PLAIN",
    defaultKeyType: "PLAIN",
    aliasDuplicateObjects: false,
    blockQuote: "literal",
  });
  return `#cloud-config\n${body}`;
}
