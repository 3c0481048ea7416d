import type { CloudConfigPart } from "./cloud-config";
import { CloudInitInputError } from "./errors";
import { HOST_TARGETS, type HostTarget } from "./targets";

export interface CloudflaredOptions {
  readonly target: HostTarget;
}

/** Where ops put the tunnel's connector token: `TUNNEL_TOKEN=...`, root-owned, mode 0600. Never written by cloud-init or Terraform. */
export const TUNNEL_TOKEN_FILE = "/etc/cloudflared/tunnel.env";
export const CLOUDFLARED_BINARY = "/usr/bin/cloudflared";
export const CLOUDFLARED_INSTALL_SCRIPT = "/usr/local/sbin/install-cloudflared";
export const CLOUDFLARED_UNIT_PATH = "/etc/systemd/system/cloudflared.service";
export const CLOUDFLARED_PATH_UNIT_PATH = "/etc/systemd/system/cloudflared-token.path";
/** Cloudflare's apt repository and signing key, as https://pkg.cloudflare.com/ documents them (one suite, "any", for every release). */
export const CLOUDFLARE_APT_KEY_URL = "https://pkg.cloudflare.com/cloudflare-main.gpg";
export const CLOUDFLARE_APT_REPOSITORY = "https://pkg.cloudflare.com/cloudflared any main";
const KEYRING = "/usr/share/keyrings/cloudflare-main.gpg";

/**
 * Adds Cloudflare's repository and installs cloudflared. It runs from runcmd rather than
 * cloud-init's apt module: that module needs the key inline, and this key is fetched over HTTPS
 * (its fingerprint is not pinned: README, Known limits). Listing the source before its key
 * exists would make cloud-init's own apt-get update fail, so both are added here, together.
 */
export const CLOUDFLARED_INSTALL_SCRIPT_CONTENT = `#!/bin/sh
# Installs cloudflared from Cloudflare's apt repository (https://pkg.cloudflare.com/).
set -eu
keyring=${KEYRING}
install -d -m 0755 /usr/share/keyrings
curl --proto '=https' --tlsv1.2 --fail --silent --show-error --location --retry 5 --output "$keyring.new" ${CLOUDFLARE_APT_KEY_URL}
chmod 0644 "$keyring.new"
mv "$keyring.new" "$keyring"
echo "deb [signed-by=$keyring] ${CLOUDFLARE_APT_REPOSITORY}" > /etc/apt/sources.list.d/cloudflared.list
# First boot may run apt-daily at the same time: wait for its lock rather than fail.
apt-get -o DPkg::Lock::Timeout=600 update
DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends cloudflared
# The token file is written by ops only (README, "The Cloudflare edge").
install -d -m 0700 -o root -g root /etc/cloudflared
`;

/**
 * cloudflared as a remotely managed tunnel connector. systemd (as root) reads TUNNEL_TOKEN from
 * the token file before starting cloudflared as a throwaway user, so the token never sits in a
 * unit file or a command line. Until ops install the token, the condition keeps the service
 * inactive, not failed.
 */
export const CLOUDFLARED_UNIT = `[Unit]
Description=Cloudflare Tunnel connector (cloudflared)
Documentation=https://developers.cloudflare.com/cloudflare-one/connections/connect-networks/
After=network-online.target
Wants=network-online.target
ConditionPathExists=${TUNNEL_TOKEN_FILE}

[Service]
Type=notify
TimeoutStartSec=60
EnvironmentFile=${TUNNEL_TOKEN_FILE}
ExecStart=${CLOUDFLARED_BINARY} --no-autoupdate tunnel run
Restart=on-failure
RestartSec=5s
DynamicUser=yes
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
ProtectProc=invisible
RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK
RestrictNamespaces=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
LockPersonality=yes
MemoryDenyWriteExecute=yes
SystemCallArchitectures=native
SystemCallFilter=@system-service
SystemCallErrorNumber=EPERM
CapabilityBoundingSet=
AmbientCapabilities=
UMask=0077

[Install]
WantedBy=multi-user.target
`;

/** Starts the connector as soon as ops write the token file, without a second command. */
export const CLOUDFLARED_PATH_UNIT = `[Unit]
Description=Start cloudflared once its tunnel token is installed

[Path]
PathChanged=${TUNNEL_TOKEN_FILE}
Unit=cloudflared.service

[Install]
WantedBy=multi-user.target
`;

/** cloudflared from Cloudflare's repository, its hardened unit, inactive until ops install the tunnel token. */
export function cloudflaredPart(options: CloudflaredOptions): CloudConfigPart {
  if (!HOST_TARGETS.includes(options.target)) {
    throw new CloudInitInputError("cloudflaredPart", "target", options.target, `expected one of ${HOST_TARGETS.join(", ")}`);
  }
  return {
    packages: ["curl", "ca-certificates"],
    write_files: [
      { path: CLOUDFLARED_INSTALL_SCRIPT, permissions: "0755", content: CLOUDFLARED_INSTALL_SCRIPT_CONTENT },
      { path: CLOUDFLARED_UNIT_PATH, permissions: "0644", content: CLOUDFLARED_UNIT },
      { path: CLOUDFLARED_PATH_UNIT_PATH, permissions: "0644", content: CLOUDFLARED_PATH_UNIT },
    ],
    runcmd: [CLOUDFLARED_INSTALL_SCRIPT, "systemctl daemon-reload", "systemctl enable cloudflared.service", "systemctl enable --now cloudflared-token.path"],
  };
}
