import { File } from "@cdktf/provider-local/lib/file";
import { Resource } from "@cdktf/provider-null/lib/resource";
import { TerraformLocal } from "cdktf";
import { Construct } from "constructs";
import { MESH_SYNC_SCRIPT, meshInterfaceSection, meshPeerSection } from "../cloud-init/wireguard-mesh";
import { interfaceOf, peerSectionOf, type MeshPlan } from "./mesh-plan";
import { terraformExpression } from "./terraform-literals";
import { nameResource, RESOURCE_NAMES } from "./addresses";
import { pinnedSshConnection } from "./ssh-connection";
import { HOST_NAME } from "./naming";
import { PropsError, requireMatch } from "./validation";

export interface WireguardMeshProps {
  readonly plan: MeshPlan;
  /** The login user the sync connects as (key from the SSH agent, sudo on the host). */
  readonly sshUser: string;
  /** Where SSH reaches each member: its public IPv4 (the droplet's is a cross-stack reference). */
  readonly sshHosts: Readonly<Record<string, string>>;
  /** Each member's public SSH host key, pinned by its sync. A member without one is not synced. */
  readonly sshHostKeys: Readonly<Record<string, string>>;
  /** Directory of the rendered files, relative to the stack directory. @default "rendered" */
  readonly renderedDir?: string;
}

/** The hosts stack's local holding each active member's [Peer] section, by member name. */
export const MESH_PEERS_LOCAL = "mesh_peers";

/**
 * The Terraform expression of a member's peers: every section of the local but its own, in
 * the local's key order (Terraform iterates a map's keys lexically, as `planMesh` sorts).
 * Member names are host names (no quote, no `${`), so the name is safe inside the string.
 */
export function otherPeersExpression(member: string): string {
  return `join("", [for name, section in local.${MESH_PEERS_LOCAL} : section if name != "${member}"])`;
}

/**
 * Keeps every mesh member's WireGuard peers in sync without ever rebuilding a host. Once for
 * the mesh: the local `mesh_peers`, each active member's [Peer] section. Per member: a rendered
 * `<renderedDir>/<member>/wg0.conf` whose content is its [Interface] followed by every section
 * of that local but its own (no private key), so the configuration grows linearly with the
 * members while each file lists exactly the other members with a known key. Per member with a
 * known key (it has booted): a null_resource whose trigger is that file's hash, which uploads it
 * over SSH and runs wireguard-mesh-sync (`wg syncconf` + the UFW rules of the WireGuard port).
 * A new peer changes the local, hence files and triggers, never a droplet. The SSH connection
 * pins the member's host key; a member whose host key is not known yet is not synced (never
 * trust-on-first-use).
 */
export class WireguardMesh extends Construct {
  /** The rendered wg0.conf of each member, by member name. */
  readonly configFiles: Readonly<Record<string, File>>;
  /** The sync of each member with a known key, by member name. */
  readonly syncs: Readonly<Record<string, Resource>>;
  /** Members with a known WireGuard key that are not synced because their SSH host key is unknown. */
  readonly awaitingHostKey: readonly string[];

  constructor(scope: Construct, id: string, props: WireguardMeshProps) {
    super(scope, id);
    const path = this.node.path;
    requireMatch(path, "sshUser", props.sshUser, /^[a-z_][a-z0-9_-]{0,31}$/, "expected a Linux user name");
    if (props.sshUser === "root") throw new PropsError(path, "sshUser", props.sshUser, "expected the unprivileged deploy user (root cannot log in over SSH)");
    const renderedDir = props.renderedDir ?? "rendered";
    requireMatch(path, "renderedDir", renderedDir, /^[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)*$/, "expected a relative directory without ..");
    // A member's name is written inside a Terraform expression (otherPeersExpression), where the
    // escaping boundary cannot reach: a plan not made by planMesh is checked here too.
    for (const member of [...props.plan.members, ...props.plan.activeMembers]) requireMatch(path, "plan.members.name", member.name, HOST_NAME, "expected a lowercase host name");
    for (const member of props.plan.activeMembers) {
      if (props.sshHosts[member.name] === undefined) throw new PropsError(path, `sshHosts.${member.name}`, undefined, "expected the address SSH reaches this member at");
    }

    // Literal text: the stack's escaping boundary escapes it like any other value.
    const sections = new TerraformLocal(
      this,
      MESH_PEERS_LOCAL,
      Object.fromEntries(props.plan.activeMembers.map((member) => [member.name, meshPeerSection(peerSectionOf(props.plan, member))])),
    );
    sections.overrideLogicalId(MESH_PEERS_LOCAL);
    const files: Record<string, File> = {};
    const syncs: Record<string, Resource> = {};
    const awaitingHostKey: string[] = [];
    for (const member of props.plan.members) {
      const file = nameResource(new File(this, `${member.name}_wg0_conf`, {
        filename: `${terraformExpression("path.module")}/${renderedDir}/${member.name}/wg0.conf`,
        content: meshInterfaceSection(interfaceOf(props.plan, member.name)) + terraformExpression(otherPeersExpression(member.name)),
        filePermission: "0644",
        directoryPermission: "0755",
      }), RESOURCE_NAMES.wireguardConfigFile(member.name));
      files[member.name] = file;
      if (member.publicKey === undefined) continue;
      const host = props.sshHosts[member.name] as string;
      const hostKey = props.sshHostKeys[member.name];
      if (hostKey === undefined) {
        awaitingHostKey.push(member.name);
        continue;
      }
      const connection = pinnedSshConnection(`${path}/${member.name}_sync`, { host, user: props.sshUser, hostKey });
      const upload = `/home/${props.sshUser}/wg0.conf.mesh`;
      syncs[member.name] = nameResource(new Resource(this, `${member.name}_sync`, {
        triggers: {
          wg0_conf_sha256: file.contentSha256,
          host,
          host_key: connection.hostKey as string,
        },
        connection,
        provisioners: [
          { type: "file", content: file.content, destination: upload },
          { type: "remote-exec", inline: [`sudo ${MESH_SYNC_SCRIPT} ${upload}`, `rm -f ${upload}`] },
        ],
      }), RESOURCE_NAMES.meshSync(member.name));
    }
    this.configFiles = files;
    this.syncs = syncs;
    this.awaitingHostKey = awaitingHostKey;
  }
}
