import { CLOUDFLARED_BINARY, CLOUDFLARED_INSTALL_SCRIPT } from "./cloudflared";
import { mergeParts, type CloudUser, type WriteFile } from "./cloud-config";
import { CloudInitInputError } from "./errors";
import { hostCloudConfigParts, type HostCloudConfigOptions } from "./host-cloud-config";
import { ENROLLMENT_HELPERS } from "./enrollment-helpers";
import { shellQuote } from "./shell-quote";
import type { HostTarget } from "./targets";
import { UFW_ENABLE, type UfwRule } from "./ufw";
import { WIREGUARD_CONFIG, WIREGUARD_KEY_SCRIPT } from "./wireguard";
import { MESH_SYNC_SCRIPT } from "./wireguard-mesh";

/**
 * The enrollment script of a running server: the same typed parts as its cloud-config, turned
 * into an idempotent bash script (files written only when their content differs, packages
 * installed only when missing, UFW rules added only when missing, keys never regenerated), so
 * the user data of a new host and the enrollment of a running one cannot drift apart. Every
 * config-derived string reaches the script through shellQuote. A runcmd line without an
 * idempotent form here is a build error, never a silently skipped step.
 *
 * Deliberate differences from first boot: no full package upgrade (unattended-upgrades keeps a
 * running server patched; a blanket upgrade would restart its services), services are not
 * restarted when their configuration changes unless the user data restarts them, and a Docker
 * daemon.json change is reported for ops to apply when containers may restart.
 */

const BUILDER = "buildEnrollmentScript";

/** /etc/os-release's ID and VERSION_ID of each target. */
const OS_RELEASE: Readonly<Record<HostTarget, readonly [string, string]>> = { "debian-12": ["debian", "12"], "ubuntu-24.04": ["ubuntu", "24.04"] };
const SSH_PORT = 22;

export interface EnrollmentOptions extends HostCloudConfigOptions {
  /** The host's name, shown by the script. */
  readonly hostName: string;
}

const q = shellQuote;

/** The enrollment script (bash) of one host. */
export function buildEnrollmentScript(options: EnrollmentOptions): string {
  if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(options.hostName)) throw new CloudInitInputError(BUILDER, "hostName", options.hostName, "expected a lowercase host name");
  const parts = hostCloudConfigParts(options);
  const config = mergeParts(parts);
  const files = config.write_files ?? [];
  // wg0.conf of a mesh member: its peers are pushed after enrollment, so only the
  // [Interface] section is enrolled and the pushed peers are kept.
  const interfaceOnly = options.mesh === undefined ? new Set<string>() : new Set([WIREGUARD_CONFIG]);
  const lines = [
    "#!/bin/bash",
    "# File contents below are single-quoted data, written as they are: nothing in them expands.",
    "# shellcheck disable=SC2016",
    "# Enrollment of a running server: the state its cloud-config gives a new one.",
    "# Run it as root over SSH, as often as needed: ssh <admin>@<host> sudo bash -s < enroll.sh",
    "# Refuses to run when the firewall it enables would not admit this SSH session, unless",
    "# --i-have-console-access. Prints each change; a second run prints \"no changes\".",
    "set -euo pipefail",
    "umask 022",
    "export DEBIAN_FRONTEND=noninteractive",
    `host=${q(options.hostName)}`,
    `ssh_sources=(${sshSources(options.ufwRules).map(q).join(" ")})`,
    ENROLLMENT_HELPERS,
    "parse_arguments \"$@\"",
    `require_root_on ${OS_RELEASE[options.target].map(q).join(" ")}`,
    "guard_ssh_session",
    "",
    "# Users: the deploy user, its groups, sudo rule and SSH keys.",
    ...(config.users ?? []).flatMap(userCommands),
    "",
    "# Files written before packages are installed (Docker starts with its daemon.json).",
    ...files.filter((file) => file.defer !== true).flatMap((file) => fileCommands(file, interfaceOnly)),
    "",
    ...(config.timezone === undefined ? [] : [`ensure_timezone ${q(config.timezone)}`]),
    ...Object.entries(config.apt?.sources ?? {}).map(([name, source]) => `ensure_apt_source ${q(name)} ${q(source.key)} ${q(source.source)}`),
    `ensure_packages ${(config.packages ?? []).map(q).join(" ")}`,
    "",
    "# Files that extend what packages installed.",
    ...files.filter((file) => file.defer === true).flatMap((file) => fileCommands(file, interfaceOnly)),
    "",
    "# The user data's commands, each in its idempotent form; the firewall is enabled last.",
    ...(config.runcmd ?? []).map(enrollmentCommandOf),
    "",
    "finish",
    "",
  ];
  return lines.join("\n");
}

/** Sources the planned SSH rules admit; ["any"] when one of them admits every address. */
export function sshSources(rules: readonly UfwRule[]): string[] {
  const sshRules = rules.filter((rule) => rule.protocol === "tcp" && rule.interface === undefined && coversPort(rule.port, SSH_PORT));
  if (sshRules.length === 0) throw new CloudInitInputError(BUILDER, "ufwRules", rules.map((rule) => `${rule.protocol}/${rule.port}`), "expected a rule allowing tcp 22");
  if (sshRules.some((rule) => rule.from === undefined)) return ["any"];
  return [...new Set(sshRules.flatMap((rule) => rule.from ?? []))];
}

function coversPort(port: number | string, wanted: number): boolean {
  const [low, high] = String(port).split(":").map(Number) as [number, number | undefined];
  return low <= wanted && wanted <= (high ?? low);
}

function userCommands(user: CloudUser): string[] {
  const groups = user.groups ?? [];
  const commands = [`ensure_user ${q(user.name)} ${q(user.shell ?? "/bin/bash")} ${q(groups.join(","))}`];
  if (user.lock_passwd !== false) commands.push(`ensure_password_locked ${q(user.name)}`);
  if (user.sudo !== undefined) commands.push(`ensure_sudo_rule ${q(user.name)} ${q(`${user.name} ${user.sudo}\n`)}`);
  if (user.ssh_authorized_keys !== undefined) commands.push(`ensure_authorized_keys ${q(user.name)} ${q(user.ssh_authorized_keys.map((key) => `${key}\n`).join(""))}`);
  return commands;
}

function fileCommands(file: WriteFile, interfaceOnly: ReadonlySet<string>): string[] {
  const owner = file.owner ?? "root:root";
  if (!/^[a-z_][a-z0-9_-]*:[a-z_][a-z0-9_-]*$/.test(owner)) throw new CloudInitInputError(BUILDER, `write_files ${file.path} owner`, owner, 'expected "user:group"');
  if (!/^0[0-7]{3}$/.test(file.permissions)) throw new CloudInitInputError(BUILDER, `write_files ${file.path} permissions`, file.permissions, 'expected an octal mode such as "0644"');
  if (file.append === true) {
    const lines = file.content.split("\n");
    const [begin, end] = [lines[0] ?? "", lines[lines.length - 2] ?? ""];
    if (!file.content.endsWith("\n") || !begin.startsWith("# BEGIN ") || !end.startsWith("# END ") || file.content.includes("\\")) {
      throw new CloudInitInputError(BUILDER, `write_files ${file.path}`, begin, "expected an appended block between # BEGIN and # END lines, without backslashes, ending with a newline");
    }
    return [`ensure_block ${q(file.path)} ${q(file.permissions)} ${q(file.content)}`];
  }
  if (interfaceOnly.has(file.path)) return [`ensure_wireguard_interface ${q(file.path)} ${q(file.content)}`];
  return [`ensure_file ${q(file.path)} ${q(file.permissions)} ${q(owner)} ${q(file.content)}`];
}

const UFW_ALLOW = /^ufw allow(?: in on ([a-z][a-z0-9]{0,14}))? proto (tcp|udp) from (\S+) to any port ([0-9:]+) comment '([A-Za-z0-9 ._,:()/-]+)'$/;

/** The idempotent form of one runcmd line of our parts. */
export function enrollmentCommandOf(command: string): string {
  const enableNow = /^systemctl enable --now ([A-Za-z0-9@._ -]+)$/.exec(command);
  if (enableNow !== null) return `ensure_service_running ${(enableNow[1] as string).split(" ").map(q).join(" ")}`;
  const enable = /^systemctl enable ([A-Za-z0-9@._-]+)$/.exec(command);
  if (enable !== null) return `ensure_service_enabled ${q(enable[1] as string)}`;
  const restart = /^systemctl restart ([A-Za-z0-9@._-]+)$/.exec(command);
  if (restart !== null) return `restart_if_configured ${q(restart[1] as string)}`;
  const ufwDefault = /^ufw default (deny|allow|reject) (incoming|outgoing)$/.exec(command);
  if (ufwDefault !== null) return `ensure_ufw_default ${q(ufwDefault[1] as string)} ${q(ufwDefault[2] as string)}`;
  const allow = UFW_ALLOW.exec(command);
  if (allow !== null) {
    const [, iface, protocol, source, port, comment] = allow as unknown as [string, string | undefined, string, string, string, string];
    const words = ["allow", ...(iface === undefined ? [] : ["in", "on", iface]), "proto", protocol, "from", source, "to", "any", "port", port, "comment", comment];
    return `ensure_ufw_rule ${words.map(q).join(" ")}`;
  }
  switch (command) {
    case "systemctl reload ssh || systemctl reload sshd || true":
      return "reload_ssh_if_configured";
    case "systemctl daemon-reload":
      return "daemon_reload_if_units_changed";
    case WIREGUARD_KEY_SCRIPT:
      return `ensure_wireguard_key ${q(WIREGUARD_KEY_SCRIPT)}`;
    case MESH_SYNC_SCRIPT:
      return `apply_wireguard_mesh ${q(MESH_SYNC_SCRIPT)}`;
    case CLOUDFLARED_INSTALL_SCRIPT:
      return `ensure_installed_by ${q(CLOUDFLARED_BINARY)} ${q(CLOUDFLARED_INSTALL_SCRIPT)}`;
    case UFW_ENABLE:
      return "ensure_ufw_enabled";
  }
  throw new Error(`${BUILDER}: the runcmd line ${JSON.stringify(command)} has no idempotent form; add one before using it in a part`);
}
