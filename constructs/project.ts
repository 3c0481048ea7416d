import { Project as ProjectResource } from "@cdktf/provider-digitalocean/lib/project";
import { Construct } from "constructs";
import { nameResource, RESOURCE_NAMES } from "./addresses";
import { PropsError } from "./validation";

const DO_ENVIRONMENT = { dev: "Development", staging: "Staging", production: "Production" } as const;

export interface ProjectProps {
  /** Project name, e.g. `izzzi-production`. */
  readonly name: string;
  readonly environment: keyof typeof DO_ENVIRONMENT;
  /** Use this existing project instead of creating one. @default - a project is created */
  readonly existingProjectId?: string;
  /** @default "Web Application" */
  readonly purpose?: string;
}

/** The DigitalOcean project that groups the environment's resources (the main stack). */
export class Project extends Construct {
  /** The project id: of the created project, or the existing one. */
  readonly projectId: string;

  constructor(scope: Construct, id: string, props: ProjectProps) {
    super(scope, id);
    if (!(props.environment in DO_ENVIRONMENT)) {
      throw new PropsError(this.node.path, "environment", props.environment, "expected dev, staging or production");
    }
    this.projectId =
      props.existingProjectId ??
      nameResource(new ProjectResource(this, "project", {
        name: props.name,
        description: `${props.name}, managed by CDKTF`,
        purpose: props.purpose ?? "Web Application",
        environment: DO_ENVIRONMENT[props.environment],
      }), RESOURCE_NAMES.project).id;
  }
}
