import { TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { Config } from "../config/config";
import { namePrefix } from "../constructs/naming";
import { Spaces } from "../constructs/spaces";
import { addImports, adoptionNotesOf } from "./adoption";
import { useStateBackend } from "./backend";
import { addDigitalOceanProvider } from "./digitalocean-provider";
import type { DescribedStack } from "./synthesize";

export interface DataStackProps {
  readonly config: Config;
  /** The main stack's project id: a cross-stack reference (the project id). */
  readonly projectId: string;
}

/** The data stack on DigitalOcean: Spaces buckets, one scoped key each, in main's project. */
export class DataStack extends TerraformStack implements DescribedStack {
  readonly summary =
    "Object storage of the application environment, one key per bucket: the Terraform state, backups and public assets Spaces buckets, each with its own bucket-scoped access key, placed in the main stack's project.";
  readonly spaces: Spaces;
  readonly applyNotes: readonly string[];

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id);
    const { config } = props;
    useStateBackend(this, config);
    addDigitalOceanProvider(this, { spaces: true });

    this.spaces = new Spaces(this, "spaces", {
      namePrefix: namePrefix(config.projectName, config.environment),
      region: config.spacesRegion,
      projectId: props.projectId,
    });
    this.spaces.addOutputs(this);
    new TerraformOutput(this, "bucket_names", { value: this.spaces.buckets.map(({ bucket }) => bucket.name) });
    addImports(this, "data", config);
    this.applyNotes = adoptionNotesOf(config, "data");
  }
}
