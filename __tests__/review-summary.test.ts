import { diffStacks, renderStackSummary } from "../stacks/review-summary";
import type { TerraformJson } from "../stacks/terraform-json";

const stack = (resources: Record<string, Record<string, Record<string, unknown>>>): TerraformJson => ({ resource: resources });

describe("stack diff", () => {
  it("reports added, removed and changed addresses, ignoring key order and CDKTF metadata", () => {
    const before = stack({ t: { a: { x: 1, y: 2 }, b: { x: 1 }, c: { x: 1 } } });
    const after = stack({ t: { a: { y: 2, x: 1, "//": { metadata: 1 } }, b: { x: 2 }, d: { x: 1 } } });
    expect(diffStacks(before, after)).toEqual({ added: ["t.d"], removed: ["t.c"], changed: ["t.b"] });
  });

  it("treats every resource as added on a first synthesis", () => {
    expect(diffStacks(undefined, stack({ t: { a: {} } }))).toEqual({ added: ["t.a"], removed: [], changed: [] });
  });

  it("summarizes counts, outputs, variables and changes", () => {
    const next: TerraformJson = {
      resource: { digitalocean_record: { a: {}, b: {} } },
      output: { ip: { value: 1 }, secret: { value: 2, sensitive: true }, "cross-stack-output-x": { value: 3 } },
      variable: { do_token: { sensitive: true }, region: {} },
    };
    expect(renderStackSummary("main-dev", next, [], stack({ digitalocean_record: { a: {} } }))).toBe(
      [
        "main-dev: 2 resources",
        "    2  digitalocean_record",
        "  outputs:   ip, secret (sensitive)",
        "  variables: TF_VAR_do_token (secret), region",
        "  changes:   1 added, 0 removed, 0 changed",
        "    + digitalocean_record.b",
      ].join("\n"),
    );
  });
});
