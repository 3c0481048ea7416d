/**
 * jest globalSetup: announces the optional checkers (announce-checkers.ts), then builds one
 * offline Terraform emulator home that every test file's testEmulator() copies instead of
 * building its own (bundling the provider and deriving four provider schemas costs about a
 * second of CPU per file). The test workers find it through TEST_EMULATOR_TEMPLATE. It is built
 * with its stamps (ensureEmulatorHome), so a full copy is current for the npm scripts too. Also makes
 * the directory exampleConfig() (synth.ts) keeps the example's parse in: TEST_EXAMPLE_PARSE_CACHE,
 * and the one the first file that needs it deploys the example into (deployed-example.ts):
 * TEST_SHARED_DEPLOY. And it brings the working tree's app bundle up to date, as `npm run synth`
 * would: project copies (project-copy.ts) start with it instead of bundling again (about 0.6 s
 * of CPU per copy).
 */
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { ensureEmulatorHome } from "../../offline-terraform/emulator-home";
import { ensureAppBundle } from "../../scripts/app-bundle";
import announceCheckers from "./announce-checkers";

export const EMULATOR_TEMPLATE_VARIABLE = "TEST_EMULATOR_TEMPLATE";
export const EXAMPLE_PARSE_CACHE_VARIABLE = "TEST_EXAMPLE_PARSE_CACHE";
export const SHARED_DEPLOY_VARIABLE = "TEST_SHARED_DEPLOY";

/** Set when the working tree had no cdktf.out before the run: the run must not leave one (global-teardown.ts). */
export const NO_OUTPUT_BEFORE_VARIABLE = "TEST_NO_OUTPUT_BEFORE";

/** The working tree's own output directory, which a test must never write (a test's app would otherwise default to it). */
export const WORKING_TREE_OUTDIR = path.resolve(__dirname, "..", "..", "cdktf.out");

export default function globalSetup(): void {
  announceCheckers();
  process.env[NO_OUTPUT_BEFORE_VARIABLE] = existsSync(WORKING_TREE_OUTDIR) ? "" : "1";
  const template = ensureEmulatorHome(mkdtempSync(path.join(tmpdir(), "offline-tf-template-")));
  process.env[EMULATOR_TEMPLATE_VARIABLE] = template.home;
  process.env[EXAMPLE_PARSE_CACHE_VARIABLE] = mkdtempSync(path.join(tmpdir(), "example-parse-cache-"));
  process.env[SHARED_DEPLOY_VARIABLE] = mkdtempSync(path.join(tmpdir(), "shared-deploy-"));
  ensureAppBundle(path.resolve(__dirname, "..", ".."));
}
