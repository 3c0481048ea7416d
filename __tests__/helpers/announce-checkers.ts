/**
 * Part of jest's globalSetup (global-setup.ts): before any test runs, says which optional
 * checkers this machine has and which test files each one enables, so a skipped check is never
 * a surprise at the end.
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { terraformVersion } from "../../offline-terraform/runner/terraform-process";
import { REQUIREMENTS } from "./checkers";

const TESTS_DIR = path.resolve(__dirname, "..");

interface Checker {
  readonly name: string;
  readonly available: boolean;
  readonly install: string;
  /** How a test file asks for it. */
  readonly usage: RegExp;
}

function checkers(): Checker[] {
  const version = terraformVersion();
  return [
    {
      name: version === undefined ? "terraform" : `terraform ${version}`,
      available: version !== undefined,
      install: "Terraform >= 1.10 from https://developer.hashicorp.com/terraform/install",
      usage: /describeWithTerraform\(/,
    },
    ...Object.entries(REQUIREMENTS).map(([key, requirement]) => ({ ...requirement, usage: new RegExp(`itWith\\([^)]*REQUIREMENTS\\.${key}\\b`) })),
  ];
}

/** The report, one line per checker: present or MISSING, the test files it enables, how to install it. */
export function checkerReport(): string {
  const files = readdirSync(TESTS_DIR)
    .filter((file) => file.endsWith(".test.ts"))
    .sort()
    .map((file) => ({ name: file.replace(/\.test\.ts$/, ""), source: readFileSync(path.join(TESTS_DIR, file), "utf8") }));
  const lines = checkers().map((checker) => {
    const enabled = files.filter((file) => checker.usage.test(file.source)).map((file) => file.name);
    const state = checker.available ? "present" : "MISSING";
    const install = checker.available ? "" : `  (install: ${checker.install})`;
    return `  ${state}  ${checker.name}: ${enabled.length === 0 ? "no test uses it" : enabled.join(", ")}${install}`;
  });
  const missing = checkers().filter((checker) => !checker.available).length;
  const consequence = process.env.CI === "true" ? "CI=true: a missing checker fails its tests" : "tests that need a missing checker are skipped (CI=true fails them)";
  return [`optional checkers: ${missing === 0 ? "all present" : `${missing} missing; ${consequence}`}`, ...lines, ""].join("\n");
}

export default function announceCheckers(): void {
  process.stderr.write(`\n${checkerReport()}`);
}
