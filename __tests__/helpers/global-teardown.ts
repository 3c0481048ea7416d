/** jest globalTeardown: removes what global-setup.ts made for the test files (emulator home, parse cache, shared deploy), and fails the run if a test left a cdktf.out in the working tree. */
import { existsSync, rmSync } from "node:fs";
import { EMULATOR_TEMPLATE_VARIABLE, EXAMPLE_PARSE_CACHE_VARIABLE, NO_OUTPUT_BEFORE_VARIABLE, SHARED_DEPLOY_VARIABLE, WORKING_TREE_OUTDIR } from "./global-setup";

export default function globalTeardown(): void {
  for (const variable of [EMULATOR_TEMPLATE_VARIABLE, EXAMPLE_PARSE_CACHE_VARIABLE, SHARED_DEPLOY_VARIABLE]) {
    const dir = process.env[variable];
    if (dir !== undefined && dir !== "") rmSync(dir, { recursive: true, force: true });
  }
  // A cdktf.out that no synth wrote makes the next `npm run synth` refuse to publish there.
  if (process.env[NO_OUTPUT_BEFORE_VARIABLE] === "1" && existsSync(WORKING_TREE_OUTDIR)) {
    throw new Error(`a test wrote the working tree's ${WORKING_TREE_OUTDIR}: give its app an outdir of its own (Testing.app() or a temporary directory)`);
  }
}
