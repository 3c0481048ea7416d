import type { CloudConfigPart } from "./cloud-config";
import { CloudInitInputError } from "./errors";

/** How the host bans addresses that attack SSH: fail2ban, CrowdSec (what the two OVH servers run), or nothing. */
export type IntrusionPrevention = "fail2ban" | "crowdsec" | "none";

export interface BaseOptions {
  /** IANA time zone. @default "Etc/UTC" */
  readonly timezone?: string;
  /** Upgrade every package at first boot (slower boot, no known-vulnerable package on day one). @default true */
  readonly upgradePackages?: boolean;
  /** @default "fail2ban" */
  readonly intrusionPrevention?: IntrusionPrevention;
}

/** apt's periodic jobs: refresh lists and run unattended-upgrade every day. */
export const AUTO_UPGRADES_CONF = ['APT::Periodic::Update-Package-Lists "1";', 'APT::Periodic::Unattended-Upgrade "1";', ""].join("\n");

/**
 * fail2ban's sshd jail reads the journal: Debian 12 has no /var/log/auth.log by default, and
 * a jail without a log file stops fail2ban from starting at all.
 */
export const FAIL2BAN_SSHD_JAIL = ["[sshd]", "enabled = true", "backend = systemd", ""].join("\n");

/** Package lists, upgrades, time zone, unattended security upgrades, intrusion prevention. */
export function basePart(options: BaseOptions = {}): CloudConfigPart {
  const timezone = options.timezone ?? "Etc/UTC";
  if (!/^(?:[A-Za-z][A-Za-z0-9_+-]*)(?:\/[A-Za-z0-9_+-]+){0,2}$/.test(timezone)) {
    throw new CloudInitInputError("basePart", "timezone", timezone, 'expected an IANA time zone such as "Europe/Paris"');
  }
  const intrusion = options.intrusionPrevention ?? "fail2ban";
  return {
    package_update: true,
    package_upgrade: options.upgradePackages ?? true,
    timezone,
    packages: ["unattended-upgrades", ...intrusionPackages(intrusion)],
    write_files: [
      { path: "/etc/apt/apt.conf.d/20auto-upgrades", permissions: "0644", content: AUTO_UPGRADES_CONF },
      ...(intrusion === "fail2ban" ? [{ path: "/etc/fail2ban/jail.d/sshd.local", permissions: "0644", content: FAIL2BAN_SSHD_JAIL }] : []),
    ],
    runcmd: ["systemctl enable --now apt-daily.timer apt-daily-upgrade.timer", ...intrusionCommands(intrusion)],
  };
}

function intrusionPackages(intrusion: IntrusionPrevention): string[] {
  switch (intrusion) {
    case "fail2ban":
      return ["fail2ban", "python3-systemd"];
    case "crowdsec":
      // Debian's packages register the firewall bouncer with the local CrowdSec API on install
      // and read sshd from the journal out of the box.
      return ["crowdsec", "crowdsec-firewall-bouncer"];
    case "none":
      return [];
  }
}

function intrusionCommands(intrusion: IntrusionPrevention): string[] {
  switch (intrusion) {
    case "fail2ban":
      return ["systemctl enable fail2ban", "systemctl restart fail2ban"];
    case "crowdsec":
      return ["systemctl enable --now crowdsec crowdsec-firewall-bouncer"];
    case "none":
      return [];
  }
}
