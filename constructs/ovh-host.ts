import { SensitiveFile } from "@cdktf/provider-local/lib/sensitive-file";
import { Construct } from "constructs";
import { nameResource, RESOURCE_NAMES } from "./addresses";
import { HOST_NAME } from "./naming";
import { terraformExpression } from "./terraform-literals";
import { isUnresolved, PropsError, requireMatch } from "./validation";

export interface OvhHostProps {
  /** Host name as in config (`core-prod`). */
  readonly name: string;
  /** The host's public IPv4 (an existing server: Terraform cannot create it). */
  readonly publicIpv4: string;
  /** Its rendered `#cloud-config`. */
  readonly userData: string;
  /** The bash script that brings the running server to the same state (built from the same parts). */
  readonly enrollmentScript: string;
  /** Directory of the rendered files, relative to the stack directory. @default "rendered" */
  readonly renderedDir?: string;
}

/**
 * An existing OVH server (one of the two OVH servers): these providers cannot create it, so its bootstrap is
 * rendered for ops to install: `<renderedDir>/<name>/user-data.yaml` for a reinstall, and
 * `<renderedDir>/<name>/enroll.sh` to enroll it as it runs (docs/enrollment.md). Both are
 * local_sensitive_files (mode 0600, content hidden from plans) because they map the host's
 * firewall, users and mesh; they hold no credential.
 */
export class OvhHost extends Construct {
  readonly userDataFile: SensitiveFile;
  readonly enrollmentScriptFile: SensitiveFile;

  constructor(scope: Construct, id: string, props: OvhHostProps) {
    super(scope, id);
    const path = this.node.path;
    requireMatch(path, "name", props.name, HOST_NAME, "expected a lowercase host name");
    requireMatch(path, "publicIpv4", props.publicIpv4, /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/, "expected an IPv4 address");
    if (isUnresolved(props.userData)) throw new PropsError(path, "userData", "<reference>", "expected the rendered cloud-config text (it is written at synth, not at apply)");
    if (!props.userData.startsWith("#cloud-config\n")) throw new PropsError(path, "userData", props.userData.slice(0, 40), 'expected a cloud-config starting with "#cloud-config"');
    if (isUnresolved(props.enrollmentScript) || !props.enrollmentScript.startsWith("#!/bin/bash\n")) {
      throw new PropsError(path, "enrollmentScript", props.enrollmentScript.slice(0, 40), 'expected the rendered bash script starting with "#!/bin/bash"');
    }
    const renderedDir = props.renderedDir ?? "rendered";

    this.userDataFile = nameResource(new SensitiveFile(this, "user_data", {
      filename: `${terraformExpression("path.module")}/${renderedDir}/${props.name}/user-data.yaml`,
      // Shell in the cloud-config is not a Terraform template: terraform-literals.ts escapes it.
      content: props.userData,
      filePermission: "0600",
      directoryPermission: "0755",
    }), RESOURCE_NAMES.userDataFile(props.name));
    this.enrollmentScriptFile = nameResource(new SensitiveFile(this, "enrollment_script", {
      filename: `${terraformExpression("path.module")}/${renderedDir}/${props.name}/enroll.sh`,
      content: props.enrollmentScript,
      filePermission: "0600",
      directoryPermission: "0755",
    }), RESOURCE_NAMES.enrollmentScriptFile(props.name));
  }
}
