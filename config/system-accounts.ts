/**
 * Accounts and groups that already exist on the images the hosts run, so a deploy user of that
 * name would not be a new account: cloud-init would add our SSH key and passwordless sudo to a
 * system account that services own (or fail on a group of the same name).
 *
 * Sources:
 * - Debian 12 (bookworm): base-passwd's /usr/share/base-passwd/passwd.master and group.master
 *   (every Debian system starts from these; read on a Debian 12 system: root daemon bin sys sync
 *   games man lp mail news uucp proxy www-data backup list irc _apt nobody; gnats is no longer in
 *   it), plus accounts packages of server and cloud images create (systemd's sysusers.d:
 *   systemd-network, systemd-timesync, systemd-resolve; dbus: messagebus; polkitd; openssh-server:
 *   sshd; chrony: _chrony; tcpdump; uuidd; dnsmasq; avahi) and the cloud images' default login
 *   users (debian; admin on some clouds).
 * - Ubuntu 24.04 (noble) server/cloud image /etc/passwd, from the packages that create them:
 *   the base-passwd accounts (Ubuntu still ships gnats), systemd-*, dhcpcd, messagebus, syslog
 *   (rsyslog), pollinate, polkitd, uuidd, tcpdump, tss (tpm-udev), landscape (landscape-common),
 *   fwupd-refresh, usbmux, sshd, lxd, dnsmasq, and the default login user ubuntu.
 * - Accounts the hosts' own software creates or may create: docker (group), crowdsec,
 *   cloudflared, postgres, redis.
 * Refusing a name that happens not to exist on one image costs nothing; accepting one that
 * exists hands sudo to a service account.
 */
export const SYSTEM_ACCOUNTS: readonly string[] = [
  // base-passwd (Debian 12 and Ubuntu 24.04)
  "root", "daemon", "bin", "sys", "sync", "games", "man", "lp", "mail", "news", "uucp", "proxy", "www-data",
  "backup", "list", "irc", "gnats", "_gnats", "_apt", "nobody",
  // packages of the server and cloud images
  "systemd-network", "systemd-resolve", "systemd-timesync", "systemd-coredump", "systemd-journal", "messagebus",
  "syslog", "tss", "uuidd", "tcpdump", "sshd", "landscape", "pollinate", "fwupd-refresh", "polkitd", "usbmux",
  "dnsmasq", "lxd", "dhcpcd", "_chrony", "chrony", "avahi", "statd", "_rpc", "ntp", "ntpsec", "_ntp", "postfix",
  "postgres", "redis", "crowdsec", "cloudflared", "netdata",
  // default login users of the cloud images
  "ubuntu", "debian", "admin", "cloud-user",
];

/** Groups of base-passwd's group.master and those cloud-init adds the deploy user to. */
export const SYSTEM_GROUPS: readonly string[] = [
  "adm", "tty", "disk", "kmem", "dialout", "fax", "voice", "cdrom", "floppy", "tape", "sudo", "audio", "dip",
  "operator", "src", "shadow", "utmp", "video", "sasl", "plugdev", "staff", "users", "nogroup", "docker",
  "input", "sgx", "kvm", "render", "netdev", "crontab", "systemd-journal", "lxd",
];

/** Why `name` cannot be the deploy user, or undefined when it can. */
export function deployUserProblem(name: string): string | undefined {
  if (SYSTEM_ACCOUNTS.includes(name)) {
    return "is an existing system account on Debian 12 or Ubuntu 24.04; the deploy user must be a new, dedicated account (it gets our SSH key and passwordless sudo, which would otherwise be granted to an account services own). Pick another name, e.g. deploy";
  }
  if (SYSTEM_GROUPS.includes(name)) {
    return "is an existing system group on Debian 12 or Ubuntu 24.04; the deploy user gets a personal group of its own name, so pick another name, e.g. deploy";
  }
  return undefined;
}
