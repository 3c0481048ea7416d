import { createHash } from "node:crypto";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { App, TerraformOutput, TerraformStack } from "cdktf";
import { declarePublicValues, SecretInOutputError, synthesizeAtomically } from "../stacks/synthesize";

/** Built at run time, so no credential-shaped literal is committed. */
const TOKEN = ["dop", "v1", "7f3a9c2e5b8d1f4a".repeat(4)].join("_");
const WIREGUARD_PUBLIC = createHash("sha256").update("a mesh member").digest("base64");

/** A stack that describes itself: its summary goes into the stack README, which no policy reads. */
class DescribedStack extends TerraformStack {
  constructor(scope: App, id: string, readonly summary: string) {
    super(scope, id);
    new TerraformOutput(this, "note", { value: "nothing secret" });
  }
}

function synth(summary: string, publicValues: readonly string[] = []): { outdir: string; run: () => unknown } {
  const outdir = path.join(mkdtempSync(path.join(tmpdir(), "secret-scan-")), "cdktf.out");
  const build = (staging: string): App => {
    const app = new App({ outdir: staging });
    new DescribedStack(app, "main-test", summary);
    declarePublicValues(app, publicValues);
    return app;
  };
  return { outdir, run: () => synthesizeAtomically(outdir, build) };
}

describe("the last scan of every synthesized file, before anything is published", () => {
  it("refuses a credential that reached a stack README, names the file, never the value, and writes nothing", () => {
    const { outdir, run } = synth(`Holds ${TOKEN} by mistake`);
    let thrown: unknown;
    try {
      run();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SecretInOutputError);
    expect((thrown as Error).message).toContain(`${path.join("stacks", "main-test", "README.md")} holds what looks like a DigitalOcean`);
    expect((thrown as Error).message).not.toContain(TOKEN);
    expect(existsSync(outdir)).toBe(false);
  });

  it("treats exactly the public keys the config declares as public", () => {
    expect(() => synth(`Peers with ${WIREGUARD_PUBLIC}`, [WIREGUARD_PUBLIC]).run()).not.toThrow();
    expect(() => synth(`Peers with ${WIREGUARD_PUBLIC}`).run()).toThrow(SecretInOutputError);
  });
});
