import { TerraformOutput } from "cdktf";
import { ProjectResources } from "@cdktf/provider-digitalocean/lib/project-resources";
import { SpacesBucket } from "@cdktf/provider-digitalocean/lib/spaces-bucket";
import { SpacesKey } from "@cdktf/provider-digitalocean/lib/spaces-key";
import { Construct } from "constructs";
import { nameResource, RESOURCE_NAMES } from "./addresses";
import { PropsError, requireMatch } from "./validation";

export type BucketAcl = "private" | "public-read";

export interface BucketSpec {
  /** Name suffix: the bucket is `<prefix>-<suffix>`. */
  readonly suffix: string;
  readonly acl: BucketAcl;
  /** Keep every object version. */
  readonly versioning: boolean;
  /** Terraform refuses to destroy the bucket (lifecycle.prevent_destroy). */
  readonly preventDestroy: boolean;
  readonly purpose: string;
}

/** The application environment's buckets. Only `assets` is public. */
export const STANDARD_BUCKETS: readonly BucketSpec[] = [
  { suffix: "terraform-state", acl: "private", versioning: true, preventDestroy: true, purpose: "Terraform state" },
  { suffix: "backups", acl: "private", versioning: false, preventDestroy: false, purpose: "database backups" },
  { suffix: "assets", acl: "public-read", versioning: false, preventDestroy: false, purpose: "static assets" },
];

export interface SpacesProps {
  /** `<project>-<env>`; buckets are `<namePrefix>-<suffix>`. */
  readonly namePrefix: string;
  /** A region with Spaces, e.g. `fra1`. */
  readonly region: string;
  /** @default STANDARD_BUCKETS */
  readonly buckets?: readonly BucketSpec[];
  /** When set, the buckets join this DigitalOcean project. @default - not attached */
  readonly projectId?: string;
}

export interface BucketWithKey {
  readonly spec: BucketSpec;
  readonly bucket: SpacesBucket;
  /** A Spaces access key whose only grant is read/write on this bucket. */
  readonly key: SpacesKey;
}

/**
 * The hand-written Terraform modules' `modules/spaces`, with one-user-per-bucket isolation: each bucket gets
 * its own bucket-scoped Spaces key. Secret keys leave Terraform only as sensitive outputs.
 */
export class Spaces extends Construct {
  readonly buckets: readonly BucketWithKey[];

  constructor(scope: Construct, id: string, props: SpacesProps) {
    super(scope, id);
    const path = this.node.path;
    const specs = props.buckets ?? STANDARD_BUCKETS;
    if (specs.length === 0) throw new PropsError(path, "buckets", specs, "expected at least one bucket");
    if (new Set(specs.map((spec) => spec.suffix)).size !== specs.length) {
      throw new PropsError(path, "buckets", specs.map((spec) => spec.suffix), "expected unique bucket suffixes");
    }

    this.buckets = specs.map((spec) => {
      const name = `${props.namePrefix}-${spec.suffix}`;
      requireMatch(path, "bucket name", name, /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/, "expected 3-63 lowercase letters, digits or dashes (S3 bucket rules)");
      const bucket = nameResource(new SpacesBucket(this, spec.suffix, {
        name,
        region: props.region,
        acl: spec.acl,
        forceDestroy: false,
        ...(spec.versioning ? { versioning: { enabled: true } } : {}),
        ...(spec.preventDestroy ? { lifecycle: { preventDestroy: true } } : {}),
      }), RESOURCE_NAMES.bucket(spec.suffix));
      const key = nameResource(new SpacesKey(this, `${spec.suffix}-key`, {
        name: `${name}-rw`,
        grant: [{ bucket: bucket.name, permission: "readwrite" }],
      }), RESOURCE_NAMES.bucketKey(spec.suffix));
      return { spec, bucket, key };
    });

    if (props.projectId !== undefined) {
      nameResource(
        new ProjectResources(this, "project-resources", { project: props.projectId, resources: this.buckets.map(({ bucket }) => bucket.urn) }),
        RESOURCE_NAMES.bucketsInProject,
      );
    }
  }

  /** Declares per-bucket outputs: name, endpoint, access key id, and the secret key as sensitive. */
  addOutputs(scope: Construct): void {
    for (const { spec, bucket, key } of this.buckets) {
      const id = spec.suffix.replace(/-/g, "_");
      new TerraformOutput(scope, `${id}_bucket`, { value: bucket.name, description: `Bucket for ${spec.purpose}` });
      new TerraformOutput(scope, `${id}_endpoint`, { value: bucket.bucketDomainName });
      new TerraformOutput(scope, `${id}_access_key_id`, { value: key.accessKey, description: `Access key id scoped to ${spec.suffix}` });
      new TerraformOutput(scope, `${id}_secret_key`, {
        value: key.secretKey,
        sensitive: true,
        description: `Secret key scoped to ${spec.suffix}; read with terraform output -raw`,
      });
    }
  }
}
