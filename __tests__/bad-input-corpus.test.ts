import { existsSync, readdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { BAD_DIR, corpusCases, runInProcess } from "./helpers/corpus";
import { copyProject, runApp } from "./helpers/project-copy";

// The bad-input corpus: __tests__/fixtures/bad/<name>.tfvars, each with <name>.expected, the
// exact stderr `npm run synth` must print for it. To change a message on purpose, run
// UPDATE_BAD_CORPUS=1 npx jest bad-input-corpus and read the diff of every .expected file.
const CASES = corpusCases();
const UPDATE = process.env.UPDATE_BAD_CORPUS === "1";

/** Run through the real app runner on a project copy: one case of each kind of failure. */
const THROUGH_THE_RUNNER = [
  "03-unknown-environment",
  "14-ssh-sources-overlap",
  "15-ssh-open-to-world-ipv4",
  "19-empty-file",
  "39-secret-do-token",
  "57-waiver-short-reason",
  "59-hcl-syntax-error",
  "62-policy-monitoring-off",
  "90-duplicate-host",
];

/** Secret values planted in the corpus: no report may repeat them. */
const PLANTED_SECRETS = ["0123456789abcdef0123456789abcdef", "OPENSSH PRIVATE KEY", "yAnz5TF+lXXJte14tji3zlMNq", "a1B2c3D4e5", "hunter2"];

describe("the bad-input corpus", () => {
  it("has at least 40 cases, each described and with its expected report", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
    for (const testCase of CASES) {
      expect({ name: testCase.name, description: testCase.description.length > 0 }).toEqual({ name: testCase.name, description: true });
      expect(testCase.expected).toMatch(/^error: (invalid configuration in terraform\.tfvars|policy check failed) \(\d+ problems?\):\n[\s\S]+\nnothing was written\.\n$/);
    }
    const strays = readdirSync(BAD_DIR).filter((file) => !CASES.some((c) => file === `${c.name}.tfvars` || file === `${c.name}.expected`));
    expect(strays).toEqual([]);
  });

  it.each(CASES.map((c) => [`${c.name}: ${c.description}`, c] as const))("refuses %s", async (_title, testCase) => {
    const outcome = await runInProcess(testCase.source);
    if (UPDATE && outcome.stderr !== undefined) writeFileSync(path.join(BAD_DIR, `${testCase.name}.expected`), outcome.stderr);
    expect(outcome.stderr).toBe(testCase.expected);
    expect(outcome.errorClass).toBe(testCase.expected.startsWith("error: policy") ? "PolicyError" : "ConfigError");
    expect(outcome.written).toBe(false);
  });

  it("never repeats a planted secret in any report", () => {
    const leaks = CASES.flatMap((testCase) => PLANTED_SECRETS.filter((secret) => testCase.expected.includes(secret)).map((secret) => `${testCase.name}: ${secret}`));
    expect(leaks).toEqual([]);
    expect(CASES.filter((testCase) => PLANTED_SECRETS.some((secret) => testCase.source.includes(secret))).length).toBeGreaterThanOrEqual(5);
  });
});

describe("the bad-input corpus through npm run synth", () => {
  it.each(THROUGH_THE_RUNNER)("%s: exits 1 with exactly the expected report and writes nothing", (name) => {
    const testCase = CASES.find((c) => c.name === name);
    if (testCase === undefined) throw new Error(`no corpus case ${name}`);
    const dir = copyProject();
    writeFileSync(path.join(dir, "terraform.tfvars"), testCase.source);
    const result = runApp(dir);
    expect({ status: result.status, stdout: result.stdout, stderr: result.stderr }).toEqual({ status: 1, stdout: "", stderr: testCase.expected });
    expect(existsSync(path.join(dir, "cdktf.out"))).toBe(false);
    expect(existsSync(path.join(dir, ".cdktf.out.staging"))).toBe(false);
  });
});
