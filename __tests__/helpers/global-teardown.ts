/** jest globalTeardown: removes what global-setup.ts made for the test files (emulator home, parse cache, shared deploy). */
import { rmSync } from "node:fs";
import { EMULATOR_TEMPLATE_VARIABLE, EXAMPLE_PARSE_CACHE_VARIABLE, SHARED_DEPLOY_VARIABLE } from "./global-setup";

export default function globalTeardown(): void {
  for (const variable of [EMULATOR_TEMPLATE_VARIABLE, EXAMPLE_PARSE_CACHE_VARIABLE, SHARED_DEPLOY_VARIABLE]) {
    const dir = process.env[variable];
    if (dir !== undefined && dir !== "") rmSync(dir, { recursive: true, force: true });
  }
}
