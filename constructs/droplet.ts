import { DataDigitaloceanSshKey } from "@cdktf/provider-digitalocean/lib/data-digitalocean-ssh-key";
import { Droplet as DropletResource } from "@cdktf/provider-digitalocean/lib/droplet";
import { ProjectResources } from "@cdktf/provider-digitalocean/lib/project-resources";
import { SshKey } from "@cdktf/provider-digitalocean/lib/ssh-key";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { sshPublicKeyProblem } from "../config/ssh-key";
import { nameResource, RESOURCE_NAMES } from "./addresses";
import { PropsError, RESOURCE_NAME, requireMatch } from "./validation";

/**
 * Register a new key from its public half, reuse a key already in the account by name, or use
 * one by its fingerprint as it is (neither created nor looked up).
 */
export type DropletSshKey =
  | { readonly kind: "create"; readonly name: string; readonly publicKey: string }
  | { readonly kind: "existing"; readonly name: string }
  | { readonly kind: "fingerprint"; readonly fingerprint: string };

export interface DropletTimeouts {
  /** @default "10m" */
  readonly create?: string;
  /** @default "10m" */
  readonly update?: string;
  /** @default "10m" */
  readonly delete?: string;
}

export interface DropletProps {
  /** Droplet name, e.g. `izzzi-production-app`. */
  readonly name: string;
  readonly region: string;
  /** Size slug, e.g. `s-2vcpu-4gb`. */
  readonly size: string;
  /** Image slug, e.g. `ubuntu-24-04-x64`. */
  readonly image: string;
  /** UUID of the VPC the droplet's private interface joins. */
  readonly vpcUuid: string;
  readonly sshKey: DropletSshKey;
  /** Rendered cloud-config (see cloud-init/). */
  readonly userData: string;
  /** @default true */
  readonly monitoring?: boolean;
  /** @default false */
  readonly backups?: boolean;
  /** @default false */
  readonly ipv6?: boolean;
  /** DigitalOcean tags, already in `key:value` form. @default [] */
  readonly tags?: readonly string[];
  /** When set, the droplet is attached to this DigitalOcean project. @default - not attached */
  readonly projectId?: string;
  /**
   * DigitalOcean cannot change user_data in place: a new value destroys and recreates the
   * droplet. By default later user_data changes are ignored, so editing cloud-init never
   * rebuilds a running server by surprise; replace on purpose with
   * `terraform apply -replace=<droplet address>`. Set true to let every change replace it.
   * @default false
   */
  readonly replaceOnUserDataChange?: boolean;
  /** @default 10 minutes each */
  readonly timeouts?: DropletTimeouts;
  /**
   * The droplet already runs and is imported. DigitalOcean returns neither its user data nor its
   * SSH keys, and a change to either replaces a droplet: both are then ignored.
   * @default false
   */
  readonly adopted?: boolean;
}

/**
 * The hand-written Terraform modules' `modules/droplet`: the SSH key (created or reused), the droplet with its cloud-init
 * user data, and its project association.
 */
export class Droplet extends Construct {
  readonly droplet: DropletResource;
  /** Fingerprint of the SSH key the droplet trusts. */
  readonly sshKeyFingerprint: string;
  readonly projectResources?: ProjectResources;

  constructor(scope: Construct, id: string, props: DropletProps) {
    super(scope, id);
    const path = this.node.path;
    requireMatch(path, "name", props.name, RESOURCE_NAME, "expected a lowercase DigitalOcean resource name");
    requireMatch(path, "size", props.size, /^[a-z0-9]+(-[a-z0-9]+)+$/, "expected a size slug such as s-2vcpu-4gb");
    if (props.userData.trim() === "") throw new PropsError(path, "userData", props.userData, "expected a cloud-config document");
    if (Token.isUnresolved(props.userData)) {
      throw new PropsError(path, "userData", "<token>", "expected a literal cloud-config document (references would make it unreviewable)");
    }
    if (props.sshKey.kind === "create") {
      const problem = sshPublicKeyProblem(props.sshKey.publicKey);
      if (problem !== undefined) throw new PropsError(path, "sshKey.publicKey", props.sshKey.publicKey.slice(0, 40), problem);
    }

    this.sshKeyFingerprint =
      props.sshKey.kind === "create"
        ? nameResource(new SshKey(this, "ssh-key", { name: props.sshKey.name, publicKey: props.sshKey.publicKey }), RESOURCE_NAMES.sshKey).fingerprint
        : props.sshKey.kind === "existing"
          ? nameResource(new DataDigitaloceanSshKey(this, "ssh-key", { name: props.sshKey.name }), RESOURCE_NAMES.sshKey).fingerprint
          : props.sshKey.fingerprint;
    // DigitalOcean reads ssh_keys at creation only and forces a new droplet when they change: a
    // key rotation goes through the deploy-keys sync instead (docs/key-rotation.md). user_data
    // likewise, unless the caller asked for a rebuild on change (never for an adopted droplet).
    const ignoreChanges = ["ssh_keys", ...(props.replaceOnUserDataChange === true && props.adopted !== true ? [] : ["user_data"])];

    const timeouts = props.timeouts ?? {};
    this.droplet = nameResource(new DropletResource(this, "droplet", {
      name: props.name,
      region: props.region,
      size: props.size,
      image: props.image,
      vpcUuid: props.vpcUuid,
      sshKeys: [this.sshKeyFingerprint],
      // Passed as written: terraform-literals.ts escapes `${` and `%{` of every literal string.
      userData: props.userData,
      monitoring: props.monitoring ?? true,
      backups: props.backups ?? false,
      ipv6: props.ipv6 ?? false,
      tags: [...(props.tags ?? [])],
      timeouts: { create: timeouts.create ?? "10m", update: timeouts.update ?? "10m", delete: timeouts.delete ?? "10m" },
      lifecycle: {
        createBeforeDestroy: true,
        ignoreChanges,
      },
    }), RESOURCE_NAMES.droplet);

    if (props.projectId !== undefined) {
      this.projectResources = nameResource(
        new ProjectResources(this, "project-resources", { project: props.projectId, resources: [this.droplet.urn] }),
        RESOURCE_NAMES.dropletInProject,
      );
    }
  }
}
