import type { SchemaBlock } from "../schema/types";

/** A derived schema block as the protobuf `tfplugin6.Schema.Block` message (proto-loader shape). */
export function blockMessage(block: SchemaBlock): object {
  return {
    version: 0,
    attributes: block.attributes.map((attribute) => ({
      name: attribute.name,
      type: Buffer.from(JSON.stringify(attribute.type)),
      required: attribute.required === true,
      optional: attribute.optional === true,
      computed: attribute.computed === true,
      sensitive: attribute.sensitive === true,
    })),
    block_types: block.blockTypes.map((nested) => ({
      type_name: nested.typeName,
      block: blockMessage(nested.block),
      nesting: nested.nesting.toUpperCase(),
      min_items: nested.minItems ?? 0,
      max_items: nested.maxItems ?? 0,
    })),
  };
}

export function schemaMessage(block: SchemaBlock): object {
  return { version: 0, block: blockMessage(block) };
}
