import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { KNOWN_SECRET_VARIABLES } from "../config/secrets";
import { copyProject, runApp, runCdktf } from "./helpers/project-copy";
import { EXAMPLE_SOURCE, exampleConfig, REPO_ROOT, synthApp, withSetting } from "./helpers/synth";

// Secret canaries: every secret input gets a distinctive value; none may surface in cdktf.out,
// in snapshots or in anything printed, whether synth passes or fails.

const hex = (seed: string): string => createHash("sha256").update(seed).digest("hex");

/** One canary per secret variable; the token-shaped ones would also trip SEC-001 if they leaked. */
const CANARIES: Record<string, string> = Object.fromEntries(
  KNOWN_SECRET_VARIABLES.map((name) => {
    if (name === "do_token") return [name, `dop_v1_${hex("canary do_token")}`];
    if (name === "spaces_access_id") return [name, `DO00CANARY${hex("canary access id").slice(0, 10).toUpperCase()}`];
    return [name, `canary-${name}-${hex(`canary ${name}`).slice(0, 24)}`];
  }),
);
const CANARY_ENV = Object.fromEntries(Object.entries(CANARIES).map(([name, value]) => [`TF_VAR_${name}`, value]));

function filesUnder(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else files.set(path.relative(dir, full), readFileSync(full, "utf8"));
    }
  };
  walk(dir);
  return files;
}

/** `where: secret-name` for every canary found in any of the texts. */
function canariesIn(texts: ReadonlyMap<string, string>): string[] {
  return [...texts].flatMap(([where, text]) =>
    Object.entries(CANARIES)
      .filter(([, value]) => text.includes(value) || text.includes(value.slice(-16)))
      .map(([name]) => `${where}: ${name}`),
  );
}

describe("secret canaries", () => {
  it("are detected when planted, in full or in part", () => {
    const planted = new Map([["full", `token = "${CANARIES.do_token}"`], ["tail", `...${CANARIES.spaces_secret_key!.slice(-16)}`], ["clean", "nothing"]]);
    expect(canariesIn(planted)).toEqual(["full: do_token", "tail: spaces_secret_key"]);
  });

  it("cover every sensitive variable the stacks declare", async () => {
    const { stacks } = synthApp(await exampleConfig());
    const sensitive = Object.values(stacks).flatMap((stack) =>
      Object.entries(stack.variable ?? {}).filter(([, variable]) => variable.sensitive === true).map(([name]) => name),
    );
    expect(sensitive.length).toBeGreaterThan(0);
    expect(sensitive.filter((name) => !(name in CANARIES))).toEqual([]);
  });

  it("never reach cdktf.out or the printed output of npm run synth", () => {
    const dir = copyProject();
    const result = runApp(dir, [], CANARY_ENV);
    expect(result.status).toBe(0);
    const written = filesUnder(path.join(dir, "cdktf.out"));
    expect(written.size).toBeGreaterThan(0);
    expect(canariesIn(new Map([...written, ["stdout", result.stdout], ["stderr", result.stderr]]))).toEqual([]);
  });

  it("never reach the output of a synth that fails a policy", () => {
    const dir = copyProject();
    writeFileSync(path.join(dir, "terraform.tfvars"), withSetting(EXAMPLE_SOURCE, "enable_monitoring", "false"));
    const result = runApp(dir, [], CANARY_ENV);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("CMP-002");
    expect(canariesIn(new Map([["stdout", result.stdout], ["stderr", result.stderr]]))).toEqual([]);
  });

  it("do not change a single synthesized byte, so snapshots cannot hold them either", async () => {
    const config = await exampleConfig();
    const without = synthApp(config).files;
    const saved = { ...process.env };
    Object.assign(process.env, CANARY_ENV);
    try {
      expect(Object.fromEntries(synthApp(config).files)).toEqual(Object.fromEntries(without));
    } finally {
      for (const key of Object.keys(CANARY_ENV)) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
    }
    expect(canariesIn(filesUnder(path.join(REPO_ROOT, "__tests__", "__snapshots__")))).toEqual([]);
  });

  it("never reach cdktf.out or the printed output of cdktf synth (the CLI)", () => {
    const dir = copyProject();
    const result = runCdktf(dir, ["synth"], CANARY_ENV);
    expect(result.status).toBe(0);
    const written = filesUnder(path.join(dir, "cdktf.out"));
    expect([...written.keys()]).toContain("stacks/main-production/cdk.tf.json");
    expect(canariesIn(new Map([...written, ["stdout", result.stdout], ["stderr", result.stderr]]))).toEqual([]);
  }, 120_000);
});
