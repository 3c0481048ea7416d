import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { TerraformStack } from "cdktf";
import fc from "fast-check";
import { takeHandedOverJson } from "../constructs/policy/aspect";
import { buildApp } from "../stacks/app";
import { asWrittenJson } from "../stacks/written-json";
import { exampleConfig } from "./helpers/synth";

/** CDKTF writes cdk.tf.json with its own json-stable-stringify: the reference for what a stack's file holds. */
const stableStringify = require(require.resolve("json-stable-stringify", { paths: [require.resolve("cdktf")] })) as (value: unknown, options: { space: number }) => string;

const readBack = (value: unknown): unknown => JSON.parse(stableStringify({ root: value }, { space: 2 })) as unknown;

describe("asWrittenJson", () => {
  const value = fc.anything({
    key: fc.oneof(fc.string(), fc.constantFrom("__proto__", "0", "10", "2", "//", "toJSON")),
    withBoxedValues: false,
    withNullPrototype: true,
    withObjectString: true,
    withSparseArray: true,
    withTypedArray: false,
    withDate: true,
    withMap: false,
    withSet: false,
    withBigInt: false,
    withUnicodeString: true,
  });

  it("is what JSON.parse reads from the text CDKTF writes, key order included", () => {
    fc.assert(
      fc.property(value, (input) => {
        const expected = readBack(input);
        const actual = asWrittenJson({ root: input });
        expect(actual).toStrictEqual(expected);
        expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
      }),
      { numRuns: 3000 },
    );
  });

  it("applies toJSON, drops undefined and functions, writes non-finite numbers and -0 as JSON does", () => {
    const input = { b: [undefined, () => 1, Number.NaN, -0, Infinity], a: { toJSON: () => ({ z: 1, y: undefined }) }, c: undefined, d: () => 1 };
    expect(asWrittenJson(input)).toStrictEqual(JSON.parse(stableStringify(input, { space: 2 })));
    expect(Object.is((asWrittenJson([-0]) as number[])[0], 0)).toBe(true);
  });
});

describe("the synth's own JSON of each stack", () => {
  it("is exactly what JSON.parse reads from the cdk.tf.json CDKTF wrote, key order included", async () => {
    const outdir = mkdtempSync(path.join(tmpdir(), "written-json-"));
    try {
      const app = buildApp(await exampleConfig(), { outdir, projectRoot: outdir, onPolicyNotice: () => undefined });
      app.synth();
      const stacks = app.node.children.filter((child): child is TerraformStack => child instanceof TerraformStack);
      expect(stacks.length).toBeGreaterThan(1);
      for (const stack of stacks) {
        const written = JSON.parse(readFileSync(path.join(outdir, "stacks", stack.node.id, "cdk.tf.json"), "utf8")) as unknown;
        const handedOver = asWrittenJson(takeHandedOverJson(stack));
        expect(handedOver).toStrictEqual(written);
        expect(JSON.stringify(handedOver)).toBe(JSON.stringify(written));
        expect(takeHandedOverJson(stack)).toBeUndefined();
      }
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
