import { Vpc } from "@cdktf/provider-digitalocean/lib/vpc";
import { Construct } from "constructs";
import { isRfc1918 } from "../config/cidr";
import { nameResource, RESOURCE_NAMES } from "./addresses";
import { PropsError, RESOURCE_NAME, requireCidrs, requireMatch } from "./validation";

export interface NetworkingProps {
  /** `<project>-<env>`; the VPC is named `<namePrefix>-vpc`. */
  readonly namePrefix: string;
  /** DigitalOcean region slug, e.g. `fra1`. */
  readonly region: string;
  /** Private IPv4 range of the VPC. @default "10.0.0.0/16" */
  readonly ipRange?: string;
  /** @default "Private network of <namePrefix>" */
  readonly description?: string;
}

/** The hand-written Terraform modules' `modules/networking`: one VPC isolating the droplet's private traffic. */
export class Networking extends Construct {
  readonly vpc: Vpc;
  readonly ipRange: string;

  constructor(scope: Construct, id: string, props: NetworkingProps) {
    super(scope, id);
    const path = this.node.path;
    const name = `${props.namePrefix}-vpc`;
    this.ipRange = props.ipRange ?? "10.0.0.0/16";
    requireMatch(path, "namePrefix", name, RESOURCE_NAME, "expected a lowercase DigitalOcean resource name");
    requireCidrs(path, "ipRange", [this.ipRange]);
    if (!isRfc1918(this.ipRange)) throw new PropsError(path, "ipRange", this.ipRange, "expected an RFC 1918 private IPv4 range");

    this.vpc = nameResource(new Vpc(this, "vpc", {
      name,
      region: props.region,
      ipRange: this.ipRange,
      description: props.description ?? `Private network of ${props.namePrefix}`,
    }), RESOURCE_NAMES.vpc);
  }
}
