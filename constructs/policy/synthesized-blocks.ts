import type { SynthesizedBlock } from "./types";

interface Metadata {
  readonly metadata?: { readonly path?: string };
}

const TWO_LEVEL_SECTIONS = new Set(["resource", "data"]);

/**
 * Flattens a stack's Terraform JSON (what `stack.toTerraform()` returns and cdk.tf.json holds)
 * into blocks with their address and construct path, so policies judge exactly what is written.
 */
export function blocksOfStack(stack: string, json: Readonly<Record<string, unknown>>): SynthesizedBlock[] {
  const blocks: SynthesizedBlock[] = [];
  for (const [section, content] of Object.entries(json)) {
    if (section === "//" || content === null || typeof content !== "object") continue;
    if (TWO_LEVEL_SECTIONS.has(section)) {
      for (const [type, byName] of Object.entries(content as Record<string, Record<string, unknown>>)) {
        for (const [name, body] of Object.entries(byName)) {
          const address = section === "data" ? `data.${type}.${name}` : `${type}.${name}`;
          blocks.push(block(stack, section, type, address, body as Record<string, unknown>));
        }
      }
    } else if (section === "provider") {
      for (const [type, configs] of Object.entries(content as Record<string, unknown[]>)) {
        (Array.isArray(configs) ? configs : [configs]).forEach((body, index) =>
          blocks.push(block(stack, section, type, `provider.${type}[${index}]`, body as Record<string, unknown>)),
        );
      }
    } else if (section === "terraform") {
      blocks.push(block(stack, section, section, "terraform", content as Record<string, unknown>));
    } else {
      for (const [name, body] of Object.entries(content as Record<string, unknown>)) {
        const attributes = body !== null && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>) : { value: body };
        blocks.push(block(stack, section, name, `${section}.${name}`, attributes));
      }
    }
  }
  return blocks;
}

function block(stack: string, section: string, type: string, address: string, body: Record<string, unknown>): SynthesizedBlock {
  const { ["//"]: metadata, ...attributes } = body;
  const constructPath = (metadata as Metadata | undefined)?.metadata?.path ?? `${stack}/${address}`;
  return { stack, section, type, address, constructPath, attributes };
}

/** Every string inside a value, with its attribute path (`inbound_rule[0].source_addresses[1]`). */
export function stringsIn(value: unknown, path = ""): { path: string; text: string }[] {
  if (typeof value === "string") return [{ path, text: value }];
  if (Array.isArray(value)) return value.flatMap((item, index) => stringsIn(item, `${path}[${index}]`));
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([key, item]) => stringsIn(item, path === "" ? key : `${path}.${key}`));
  }
  return [];
}

/** Resources of one type. */
export function resourcesOfType(blocks: readonly SynthesizedBlock[], type: string): SynthesizedBlock[] {
  return blocks.filter((block) => block.section === "resource" && block.type === type);
}
