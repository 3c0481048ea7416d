import { parse } from "yaml";
import { resourcesOfType, stringsIn } from "./synthesized-blocks";
import type { SynthesizedBlock } from "./types";
import { ufwCommandsIn, type UfwCommand } from "./ufw-commands";

/** A cloud-config document, optionally rendered by cloud-init's jinja templating. */
const CLOUD_CONFIG = /^(## template: jinja[ \t]*\r?\n)?#cloud-config/;

/** A server and the cloud-config that bootstraps it (droplet user_data, OVH rendered file). */
export interface Host {
  readonly block: SynthesizedBlock;
  /** Attribute holding the cloud-config, e.g. `user_data` or `content`. */
  readonly attribute: string;
  /** Parsed cloud-config, or undefined when the host has none or it is not valid YAML. */
  readonly cloudConfig?: Record<string, unknown>;
  readonly parseProblem?: string;
  /** Every UFW command the host runs at first boot, in order. */
  readonly ufw: readonly UfwCommand[];
  /** The host is a droplet attached to at least one DigitalOcean cloud firewall. */
  readonly behindCloudFirewall: boolean;
}

/**
 * Every policy that looks at hosts asks for them with the evaluation's blocks: each document is
 * parsed once per evaluation, and the parsed documents are released with the blocks (a module-level
 * cache kept every host's parsed cloud-config alive for the rest of the process). Only read, never changed.
 */
const hostsByBlocks = new WeakMap<readonly SynthesizedBlock[], readonly Host[]>();

/**
 * Hosts are droplets plus any resource carrying a `#cloud-config` document (future OVH hosts
 * render theirs into a local file), so the policies cover stacks that do not exist yet.
 */
export function hostsIn(blocks: readonly SynthesizedBlock[]): readonly Host[] {
  let hosts = hostsByBlocks.get(blocks);
  if (hosts === undefined) {
    hosts = findHosts(blocks);
    hostsByBlocks.set(blocks, hosts);
  }
  return hosts;
}

function findHosts(blocks: readonly SynthesizedBlock[]): Host[] {
  const firewalled = firewalledDropletAddresses(blocks);
  const parsed = new Map<string, Pick<Host, "cloudConfig" | "parseProblem" | "ufw">>();
  const parseCloudConfig = (text: string): Pick<Host, "cloudConfig" | "parseProblem" | "ufw"> => {
    let result = parsed.get(text);
    if (result === undefined) {
      result = parseCloudConfigOnce(text);
      parsed.set(text, result);
    }
    return result;
  };
  const hosts: Host[] = [];
  for (const block of blocks) {
    if (block.section !== "resource") continue;
    const documents = stringsIn(block.attributes).filter(({ text }) => CLOUD_CONFIG.test(text));
    const isDroplet = block.type === "digitalocean_droplet";
    if (documents.length === 0 && !isDroplet) continue;
    const behindCloudFirewall = isDroplet && firewalled.has(block.address);
    const document = documents[0];
    if (document !== undefined) {
      hosts.push({ block, attribute: document.path, ...parseCloudConfig(document.text), behindCloudFirewall });
      continue;
    }
    const userData = block.attributes.user_data;
    if (typeof userData === "string" && userData.startsWith("#!")) {
      hosts.push({ block, attribute: "user_data", ufw: ufwCommandsIn(userData), behindCloudFirewall, cloudConfig: {} });
    } else if (typeof userData === "string" && userData.trim() !== "") {
      hosts.push({ block, attribute: "user_data", ufw: [], behindCloudFirewall, parseProblem: "is neither a #cloud-config document nor a shell script, so its firewall cannot be checked" });
    } else {
      hosts.push({ block, attribute: "user_data", ufw: [], behindCloudFirewall });
    }
  }
  return hosts;
}

function parseCloudConfigOnce(text: string): Pick<Host, "cloudConfig" | "parseProblem" | "ufw"> {
  let parsed: unknown;
  try {
    parsed = parse(text);
  } catch (error) {
    return { parseProblem: `is not valid YAML (${(error as Error).message.split("\n")[0]})`, ufw: [] };
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return { parseProblem: "is not a cloud-config mapping", ufw: [] };
  const cloudConfig = parsed as Record<string, unknown>;
  return { cloudConfig, ufw: shellTextOf(cloudConfig).flatMap(ufwCommandsIn) };
}

/** bootcmd, then scripts written by write_files (run later from runcmd), then runcmd, in boot order. */
function shellTextOf(cloudConfig: Record<string, unknown>): string[] {
  const commands = (key: string): string[] =>
    (Array.isArray(cloudConfig[key]) ? (cloudConfig[key] as unknown[]) : []).map((entry) =>
      Array.isArray(entry) ? entry.map(String).join(" ") : String(entry),
    );
  const scripts = (Array.isArray(cloudConfig.write_files) ? (cloudConfig.write_files as Record<string, unknown>[]) : [])
    .filter((file) => typeof file?.content === "string" && (String(file.content).startsWith("#!") || String(file.path).endsWith(".sh")))
    .map((file) => String(file.content));
  return [...commands("bootcmd"), ...scripts, ...commands("runcmd")];
}

/** Addresses of droplets listed in some firewall's droplet_ids (`${digitalocean_droplet.<name>.id}`). */
function firewalledDropletAddresses(blocks: readonly SynthesizedBlock[]): Set<string> {
  const addresses = new Set<string>();
  for (const firewall of resourcesOfType(blocks, "digitalocean_firewall")) {
    for (const { text } of stringsIn(firewall.attributes.droplet_ids)) {
      const match = /^\$\{(digitalocean_droplet\.[\w-]+)\.id\}$/.exec(text);
      if (match?.[1] !== undefined) addresses.add(match[1]);
    }
  }
  return addresses;
}

/** `/etc/default/ufw` written with DEFAULT_INPUT_POLICY="DROP" (or REJECT) also denies by default. */
export function writesDenyingUfwDefaults(cloudConfig: Record<string, unknown> | undefined): boolean {
  const files = Array.isArray(cloudConfig?.write_files) ? (cloudConfig.write_files as Record<string, unknown>[]) : [];
  return files.some(
    (file) => file?.path === "/etc/default/ufw" && /^DEFAULT_INPUT_POLICY="?(DROP|REJECT)"?\s*$/m.test(String(file.content ?? "")),
  );
}
