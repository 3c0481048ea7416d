import { createHash } from "node:crypto";
import { TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { NullProvider } from "@cdktf/provider-null/lib/provider";
import type { Config } from "../config/config";
import { authorizedKeysOf } from "../cloud-init/host-user-data";
import { AuthorizedKeysSync } from "../constructs/authorized-keys-sync";
import { Dns } from "../constructs/dns";
import { Droplet, type DropletSshKey } from "../constructs/droplet";
import { Firewalls } from "../constructs/firewalls";
import { meshFirewallSpec, type MeshPlan } from "../constructs/mesh-plan";
import { digitalOceanTags, namePrefix } from "../constructs/naming";
import { Networking } from "../constructs/networking";
import { Project } from "../constructs/project";
import { isSshKeyFingerprint } from "../config/adopt-schema";
import { addImports, adoptionNotesOf } from "./adoption";
import { useStateBackend } from "./backend";
import { addDigitalOceanProvider } from "./digitalocean-provider";
import { dropletHost } from "./mesh-from-config";
import type { DescribedStack } from "./synthesize";

export interface MainStackProps {
  readonly config: Config;
  /** The droplet's rendered cloud-config. */
  readonly userData: string;
  /** The mesh the droplet belongs to, and its member name: adds the `-fw-mesh` firewall. @default - not a member */
  readonly mesh?: { readonly plan: MeshPlan; readonly member: string };
}

/** The application environment: VPC, SSH key, droplet, three firewalls, DNS and the project. */
export class MainStack extends TerraformStack implements DescribedStack {
  readonly summary =
    "The application environment: VPC, SSH key, droplet with cloud-init, the web, internal and management firewalls, DNS records and the DigitalOcean project.";
  /** Project id, consumed by the data stack through a cross-stack reference. */
  readonly projectId: string;
  readonly droplet: Droplet;
  readonly applyNotes: readonly string[];

  constructor(scope: Construct, id: string, props: MainStackProps) {
    super(scope, id);
    const { config } = props;
    const prefix = namePrefix(config.projectName, config.environment);
    useStateBackend(this, config);
    addDigitalOceanProvider(this);

    const networking = new Networking(this, "networking", { namePrefix: prefix, region: config.region, ipRange: config.vpcCidr });
    const project = new Project(this, "project", {
      name: prefix,
      environment: config.environment,
      ...(config.doProjectId === undefined ? {} : { existingProjectId: config.doProjectId }),
    });
    this.projectId = project.projectId;

    this.droplet = new Droplet(this, "droplet", {
      name: `${prefix}-app`,
      region: config.region,
      size: config.dropletSize,
      image: config.dropletImage,
      vpcUuid: networking.vpc.id,
      sshKey: sshKeyOf(config),
      adopted: config.adopt?.droplet !== undefined,
      userData: props.userData,
      monitoring: config.enableMonitoring,
      backups: config.enableBackups,
      ipv6: config.enableIpv6,
      tags: digitalOceanTags(config.projectName, config.environment, config.commonTags),
      projectId: project.projectId,
    });
    const droplet = this.droplet.droplet;
    // The deploy user's keys follow the config over SSH once the droplet's host key is known.
    const dropletHostKey = dropletHost(config)?.sshHostKey;
    if (dropletHostKey !== undefined) {
      new NullProvider(this, "null");
      new AuthorizedKeysSync(this, "deploy_keys", {
        hostName: dropletHost(config)?.name ?? "app",
        host: droplet.ipv4Address,
        hostKey: dropletHostKey,
        sshUser: config.deployUser,
        authorizedKeys: authorizedKeysOf(config),
      });
    }

    const meshSpec = props.mesh === undefined ? undefined : meshFirewallSpec(props.mesh.plan, props.mesh.member);
    const meshSpecs = meshSpec === undefined ? [] : [meshSpec];
    const firewalls = new Firewalls(this, "firewalls", {
      namePrefix: prefix,
      dropletIds: [droplet.id],
      vpcCidr: config.vpcCidr,
      allowedSshIps: config.allowedSshIps,
      additionalSpecs: meshSpecs,
    });

    if (config.domainName !== undefined) {
      new Dns(this, "dns", {
        domainName: config.domainName,
        manageDomain: config.manageDomain,
        ipv4Address: droplet.ipv4Address,
        ...(config.enableIpv6 ? { ipv6Address: droplet.ipv6Address } : {}),
        projectId: project.projectId,
      });
    }

    new TerraformOutput(this, "droplet_ip", { value: droplet.ipv4Address });
    new TerraformOutput(this, "droplet_private_ip", { value: droplet.ipv4AddressPrivate });
    if (config.enableIpv6) new TerraformOutput(this, "droplet_ipv6", { value: droplet.ipv6Address });
    new TerraformOutput(this, "ssh_command", { value: `ssh ${config.deployUser}@${droplet.ipv4Address}` });
    new TerraformOutput(this, "vpc_id", { value: networking.vpc.id });
    new TerraformOutput(this, "firewall_ids", { value: firewalls.firewalls.map((firewall) => firewall.id) });
    new TerraformOutput(this, "project_id", { value: project.projectId });
    new TerraformOutput(this, "user_data_sha256", {
      value: createHash("sha256").update(props.userData).digest("hex"),
      description: "Hash of the cloud-config the app was synthesized with; a change here does not rebuild the droplet (see README)",
    });
    addImports(this, "main", config);
    this.applyNotes = adoptionNotesOf(config, "main");
  }
}

function sshKeyOf(config: Config): DropletSshKey {
  const adopted = config.adopt?.sshKey;
  if (adopted !== undefined && isSshKeyFingerprint(adopted)) return { kind: "fingerprint", fingerprint: adopted };
  return config.useExistingSshKey ? { kind: "existing", name: config.sshKeyName } : { kind: "create", name: config.sshKeyName, publicKey: config.sshPublicKey };
}
