import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { measure } from "./measure";

export interface TestSuiteResult {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly typecheckMs: number;
  readonly passed: number;
  readonly failed: number;
  /** Test files, slowest first, with the time jest reports for each. */
  readonly files: readonly { readonly file: string; readonly ms: number }[];
}

interface JestJson {
  readonly numPassedTests: number;
  readonly numFailedTests: number;
  readonly testResults: readonly { readonly name: string; readonly startTime: number; readonly endTime: number }[];
}

/** Runs the default `npm test` (tsc, then jest) once, as CI does, plus `npm run typecheck` alone. */
export async function measureTestSuite(root: string, env: NodeJS.ProcessEnv): Promise<TestSuiteResult> {
  const scratch = mkdtempSync(path.join(tmpdir(), "bench-jest-"));
  try {
    const report = path.join(scratch, "jest.json");
    const typecheck = await measure("npm", ["run", "typecheck"], { cwd: root, env, sampleEveryMs: 100 });
    const run = await measure("npm", ["test", "--", "--json", `--outputFile=${report}`], { cwd: root, env, sampleEveryMs: 100 });
    const jest = JSON.parse(readFileSync(report, "utf8")) as JestJson;
    return {
      wallMs: run.wallMs,
      cpuMs: run.cpuMs,
      typecheckMs: typecheck.wallMs,
      passed: jest.numPassedTests,
      failed: jest.numFailedTests,
      files: jest.testResults
        .map((result) => ({ file: path.relative(root, result.name), ms: result.endTime - result.startTime }))
        .sort((a, b) => b.ms - a.ms),
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
