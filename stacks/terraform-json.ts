/** The parts of a synthesized cdk.tf.json that documentation and review summaries read. */
export interface TerraformJson {
  readonly terraform?: {
    readonly backend?: Record<string, Record<string, unknown>>;
    readonly required_providers?: Record<string, { readonly source?: string; readonly version?: string }>;
  };
  readonly variable?: Record<string, { readonly description?: string; readonly sensitive?: boolean; readonly type?: string; readonly default?: unknown }>;
  readonly output?: Record<string, { readonly description?: string; readonly sensitive?: boolean; readonly value?: unknown }>;
  readonly locals?: Record<string, unknown>;
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
  readonly data?: Record<string, Record<string, Record<string, unknown>>>;
}

/** `type.name` -> body without CDKTF metadata, for every resource of the stack. */
export function resourcesByAddress(stack: TerraformJson): Map<string, Record<string, unknown>> {
  const result = new Map<string, Record<string, unknown>>();
  for (const [type, byName] of Object.entries(stack.resource ?? {})) {
    for (const [name, body] of Object.entries(byName)) {
      const { ["//"]: _metadata, ...rest } = body;
      result.set(`${type}.${name}`, rest);
    }
  }
  return result;
}

/** Resource type -> how many resources of it, sorted by type. */
export function resourceCountsByType(stack: TerraformJson): [string, number][] {
  const counts = new Map<string, number>();
  for (const address of resourcesByAddress(stack).keys()) {
    const type = address.slice(0, address.indexOf("."));
    counts.set(type, (counts.get(type) ?? 0) + 1);
  }
  return [...counts.entries()].sort(([a], [b]) => a.localeCompare(b));
}

/** User-facing outputs: CDKTF's cross-stack plumbing outputs are left out. */
export function userOutputs(stack: TerraformJson): [string, { description?: string; sensitive?: boolean }][] {
  return Object.entries(stack.output ?? {}).filter(([name]) => !name.startsWith("cross-stack-output-"));
}

/** Stacks this stack reads state from, with the outputs it reads. */
export function remoteStateReads(stack: TerraformJson): { fromStack: string; backend: string; config: unknown }[] {
  return Object.entries(stack.data?.terraform_remote_state ?? {}).map(([name, body]) => ({
    fromStack: name.replace(/^cross-stack-reference-input-/, ""),
    backend: String(body.backend),
    config: body.config,
  }));
}

/** JSON with object keys sorted at every level, so equal configurations compare equal as text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === "object" && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}
