/**
 * Terraform's configuration schema, as the tfplugin6 protocol carries it. Attribute types are
 * cty type constraints in their JSON form: "string", ["list","number"], ["object",{...}], ...
 */
export type CtyType = string | [string, unknown];

export interface SchemaAttribute {
  readonly name: string;
  readonly type: CtyType;
  readonly required?: boolean;
  readonly optional?: boolean;
  readonly computed?: boolean;
  readonly sensitive?: boolean;
}

export type BlockNesting = "single" | "list" | "set" | "map";

export interface SchemaNestedBlock {
  readonly typeName: string;
  readonly nesting: BlockNesting;
  readonly block: SchemaBlock;
  readonly minItems?: number;
  readonly maxItems?: number;
}

export interface SchemaBlock {
  readonly attributes: readonly SchemaAttribute[];
  readonly blockTypes: readonly SchemaNestedBlock[];
}

/** Everything one provider serves: its own config block, managed resources and data sources. */
export interface ProviderSchema {
  /** e.g. registry.terraform.io/digitalocean/digitalocean */
  readonly source: string;
  readonly version: string;
  readonly provider: SchemaBlock;
  readonly resources: Readonly<Record<string, SchemaBlock>>;
  readonly dataSources: Readonly<Record<string, SchemaBlock>>;
}
