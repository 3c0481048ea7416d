import type { CloudConfigPart } from "./cloud-config";
import { WIREGUARD_CONFIG, WIREGUARD_KEY_SCRIPT, WIREGUARD_KEY_SCRIPT_CONTENT, WIREGUARD_PRIVATE_KEY } from "./wireguard";

/**
 * A mesh member's side of WireGuard. Unlike `wireguardPart` (peers fixed in user data), the
 * peer set of a mesh member changes after boot: the hosts stack pushes a new wg0.conf over SSH
 * and runs MESH_SYNC_SCRIPT. The user data therefore carries no peer at all, so adding a peer
 * never changes a droplet's user_data (which would replace it).
 */

export const MESH_SYNC_SCRIPT = "/usr/local/sbin/wireguard-mesh-sync";
/** Sources UFW currently allows to the WireGuard port, one address per line. */
export const MESH_UFW_STATE = "/var/lib/wireguard/mesh-ufw-sources";
export const MESH_UFW_COMMENT = "WireGuard mesh peer";

export interface MeshInterface {
  /** This host's tunnel address with the mesh prefix, e.g. "10.8.0.1/24". */
  readonly address: string;
  readonly listenPort: number;
  readonly mtu: number;
}

export interface MeshPeerSection {
  readonly name: string;
  readonly publicKey: string;
  /** The peer's tunnel address as a /32. */
  readonly allowedIp: string;
  /** "<public IPv4>:<port>"; the IPv4 may be a Terraform reference (the droplet's). */
  readonly endpoint: string;
  readonly keepalive: number;
}

/** wg-quick's [Interface]: no PrivateKey line, wg-quick loads the key the host generated. */
export function meshInterfaceSection(iface: MeshInterface): string {
  return [
    "[Interface]",
    `Address = ${iface.address}`,
    `ListenPort = ${iface.listenPort}`,
    `MTU = ${iface.mtu}`,
    `PostUp = wg set %i private-key ${WIREGUARD_PRIVATE_KEY}`,
    "",
  ].join("\n");
}

export function meshPeerSection(peer: MeshPeerSection): string {
  return [
    "",
    "[Peer]",
    `# ${peer.name}`,
    `PublicKey = ${peer.publicKey}`,
    `AllowedIPs = ${peer.allowedIp}`,
    `Endpoint = ${peer.endpoint}`,
    `PersistentKeepalive = ${peer.keepalive}`,
    "",
  ].join("\n");
}

/** A member's complete wg0.conf: what the hosts stack renders and pushes. */
export function meshWgQuickConfig(iface: MeshInterface, peers: readonly MeshPeerSection[]): string {
  return meshInterfaceSection(iface) + peers.map(meshPeerSection).join("");
}

/**
 * Installs a pushed wg0.conf and applies it without dropping the tunnel: `wg syncconf` for a
 * peer change, a wg-quick restart when the address or MTU changed. `wg syncconf` resets any
 * key its input lacks, so the live input carries the private key, in a 0600 temp file that is
 * removed at once; the key is never printed. Then UFW opens the WireGuard port to exactly the
 * peers' endpoint addresses: rules for peers that left are deleted.
 * The port is part of the script (so the guard rails can read every UFW rule the host may
 * add); a wg0.conf with another ListenPort is refused. With no argument it re-applies the
 * installed wg0.conf (first boot).
 */
export function meshSyncScript(port: number): string {
  return `#!/bin/sh
# wireguard-mesh-sync [NEW_WG0_CONF]: applies the WireGuard mesh peer set pushed by Terraform.
set -eu
umask 077
conf=${WIREGUARD_CONFIG}
key=${WIREGUARD_PRIVATE_KEY}
state=${MESH_UFW_STATE}

setting() { sed -n "s/^$1 = //p" "$2"; }

restart=no
if [ "$#" -gt 0 ]; then
  if [ "$(setting ListenPort "$1")" != ${port} ]; then
    echo "wireguard-mesh-sync: $1 listens on $(setting ListenPort "$1"); this host was built for port ${port} (rebuild it to change the mesh port)" >&2
    exit 1
  fi
  for name in Address MTU; do
    if [ "$(setting "$name" "$1")" != "$(setting "$name" "$conf")" ]; then restart=yes; fi
  done
  install -m 0600 "$1" "$conf.new"
  mv "$conf.new" "$conf"
fi

if ! ip link show wg0 >/dev/null 2>&1; then
  systemctl enable --now wg-quick@wg0
elif [ "$restart" = yes ]; then
  systemctl restart wg-quick@wg0
else
  live=$(mktemp)
  trap 'rm -f "$live"' EXIT
  {
    echo "[Interface]"
    printf 'PrivateKey = %s\\n' "$(cat "$key")"
    wg-quick strip wg0 | sed '1{/^\\[Interface\\]$/d;}'
  } >"$live"
  wg syncconf wg0 "$live"
  rm -f "$live"
fi

wanted=$(mktemp)
sed -n 's/^Endpoint = \\[\\{0,1\\}\\([0-9A-Fa-f.:]*\\)\\]\\{0,1\\}:[0-9]*$/\\1/p' "$conf" | sort -u >"$wanted"
mkdir -p "$(dirname "$state")"
[ -e "$state" ] || : >"$state"
sort -u -o "$state" "$state"
comm -23 "$state" "$wanted" | while read -r source; do
  ufw delete allow proto udp from "$source" to any port ${port} >/dev/null || true
done
comm -13 "$state" "$wanted" | while read -r source; do
  ufw allow proto udp from "$source" to any port ${port} comment '${MESH_UFW_COMMENT}' >/dev/null
done
mv "$wanted" "$state"
chmod 0644 "$state"
echo "wg0: $(wg show wg0 peers | wc -l) peers, UDP ${port} open to $(wc -l <"$state") of them"
`;
}

/**
 * wireguard-tools, the key generated on first boot, the sync script, and wg0.conf with this
 * host's interface and no peer yet. wg0 comes up at first boot; the peers arrive with the
 * hosts stack's first apply (README: first boot of a mesh host).
 */
export function meshMemberPart(iface: MeshInterface): CloudConfigPart {
  return {
    packages: ["wireguard-tools"],
    write_files: [
      { path: WIREGUARD_CONFIG, permissions: "0600", content: meshInterfaceSection(iface) },
      { path: WIREGUARD_KEY_SCRIPT, permissions: "0755", content: WIREGUARD_KEY_SCRIPT_CONTENT },
      { path: MESH_SYNC_SCRIPT, permissions: "0755", content: meshSyncScript(iface.listenPort) },
    ],
    runcmd: [WIREGUARD_KEY_SCRIPT, MESH_SYNC_SCRIPT],
  };
}
