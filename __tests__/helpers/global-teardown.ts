/** jest globalTeardown: removes the emulator home global-setup.ts built for the test files to copy. */
import { rmSync } from "node:fs";
import { EMULATOR_TEMPLATE_VARIABLE } from "./global-setup";

export default function globalTeardown(): void {
  const template = process.env[EMULATOR_TEMPLATE_VARIABLE];
  if (template !== undefined && template !== "") rmSync(template, { recursive: true, force: true });
}
