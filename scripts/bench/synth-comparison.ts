import { createHash } from "node:crypto";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { measure, type Measurement } from "./measure";
import { copyProject, removeCopy } from "./project-copy";
import { summarize, type Summary } from "./stats";

/** One way of synthesizing the whole app, run in its own project copy. */
interface Scenario {
  readonly key: string;
  readonly label: string;
  readonly command: string;
  readonly args: readonly string[];
  /** Which copy it runs in: scenarios sharing a copy share its warm build. */
  readonly copy: "app" | "cli" | "stock";
  /** Runs before each measured run (not timed). */
  readonly prepare?: (dir: string) => void;
  /** One unmeasured run first (builds the copy's .build). The CLI paths skip it: 10-20 s each. */
  readonly warmUp: boolean;
}

export interface ScenarioResult {
  readonly key: string;
  readonly label: string;
  readonly wall: Summary;
  readonly cpu: Summary;
  readonly treePeak: Summary;
  readonly processPeak: Summary;
  readonly processes: number;
}

export interface ComparisonResult {
  readonly rounds: number;
  readonly scenarios: readonly ScenarioResult[];
  /** Whether every scenario wrote the same cdktf.out files. */
  readonly identicalOutput: boolean;
}

const CDKTF_CLI = "node_modules/.bin/cdktf";
/** Added to the app copy's package.json only: what npm costs before any script of ours runs. */
const NPM_FLOOR_SCRIPT = "bench-npm-floor";

const SCENARIOS: readonly Scenario[] = [
  { key: "node", label: "(n) node -e 0: a bare Node.js start, the floor", command: process.execPath, args: ["-e", "0"], copy: "app", warmUp: false },
  {
    key: "npm-floor",
    label: "(m) a script that only runs `node -e 0`, started by npm: npm's own start, the floor of (a)",
    command: "npm",
    args: ["run", NPM_FLOOR_SCRIPT],
    copy: "app",
    warmUp: false,
  },
  { key: "npm", label: "(a) npm run synth", command: "npm", args: ["run", "synth"], copy: "app", warmUp: true },
  { key: "app", label: "(a') node --max-semi-space-size=2 scripts/run-app.js: the app alone, as npm runs it", command: process.execPath, args: ["--max-semi-space-size=2", "scripts/run-app.js"], copy: "app", warmUp: true },
  {
    key: "app-new-config",
    label: "(a\u2033) the app right after the tfvars file changed (HashiCorp's parser runs)",
    command: process.execPath,
    args: ["--max-semi-space-size=2", "scripts/run-app.js"],
    copy: "app",
    warmUp: false,
    prepare: (dir) => rmSync(path.join(dir, ".build", "parse-cache"), { recursive: true, force: true }),
  },
  {
    key: "app-cold",
    label: "(a\u2034) the app right after a source change (esbuild rebuilds, no caches)",
    command: process.execPath,
    args: ["--max-semi-space-size=2", "scripts/run-app.js"],
    copy: "app",
    warmUp: false,
    prepare: (dir) => rmSync(path.join(dir, ".build"), { recursive: true, force: true }),
  },
  { key: "cli", label: "(b) cdktf synth, our cdktf.json", command: CDKTF_CLI, args: ["synth"], copy: "cli", warmUp: false },
  { key: "stock", label: "(c) cdktf synth, stock app `npx ts-node main.ts`", command: CDKTF_CLI, args: ["synth"], copy: "stock", warmUp: false },
];

export interface RoundPlan {
  readonly rounds: number;
  /** Stop after this many rounds once `budgetMs` has been spent (keeps `npm run bench` short on a busy machine). */
  readonly minRounds: number;
  readonly budgetMs: number;
}

/**
 * Warms up the app copy, then runs up to `plan.rounds` interleaved rounds (the order rotates each
 * round, so no scenario always runs right after the heavy one), and checks that all of them
 * wrote the same files.
 */
export async function compareSynthPaths(root: string, plan: RoundPlan, log: (line: string) => void): Promise<ComparisonResult> {
  const copies = {
    app: copyProject(root, "app"),
    cli: copyProject(root, "cli"),
    stock: copyProject(root, "stock"),
  };
  useStockTemplateApp(copies.stock);
  addNpmFloorScript(copies.app);
  const env = benchEnv(copies.app);
  const runs = new Map<string, Measurement[]>(SCENARIOS.map((scenario) => [scenario.key, []]));
  try {
    log("warm-up");
    for (const scenario of SCENARIOS.filter((candidate) => candidate.warmUp)) await runScenario(scenario, copies[scenario.copy], env);
    const started = performance.now();
    let rounds = 0;
    for (let round = 0; round < plan.rounds; round++) {
      if (round >= plan.minRounds && performance.now() - started > plan.budgetMs) {
        log(`stopping after ${round} rounds: the ${plan.budgetMs / 1000} s budget is spent`);
        break;
      }
      const order = SCENARIOS.map((_, index) => SCENARIOS[(index + round) % SCENARIOS.length] as Scenario);
      for (const scenario of order) {
        const result = await runScenario(scenario, copies[scenario.copy], env);
        runs.get(scenario.key)?.push(result);
      }
      rounds = round + 1;
      log(`round ${rounds}/${plan.rounds} done`);
    }
    const outputs = Object.values(copies).map((dir) => outputDigest(path.join(dir, "cdktf.out")));
    return {
      rounds,
      scenarios: SCENARIOS.map((scenario) => summarizeRuns(scenario, runs.get(scenario.key) ?? [])),
      identicalOutput: outputs.every((digest) => digest === outputs[0]),
    };
  } finally {
    for (const dir of Object.values(copies)) removeCopy(dir);
  }
}

async function runScenario(scenario: Scenario, dir: string, env: NodeJS.ProcessEnv): Promise<Measurement> {
  scenario.prepare?.(dir);
  const result = await measure(scenario.command, scenario.args, { cwd: dir, env });
  if (result.exitCode !== 0) throw new Error(`${scenario.label} failed (exit ${result.exitCode}):\n${result.outputTail}`);
  return result;
}

function summarizeRuns(scenario: Scenario, runs: readonly Measurement[]): ScenarioResult {
  return {
    key: scenario.key,
    label: scenario.label,
    wall: summarize(runs.map((run) => run.wallMs)),
    cpu: summarize(runs.map((run) => run.cpuMs)),
    treePeak: summarize(runs.map((run) => run.treePeakMb)),
    processPeak: summarize(runs.map((run) => run.processPeakMb)),
    processes: Math.max(...runs.map((run) => run.processCount)),
  };
}

function addNpmFloorScript(dir: string): void {
  const file = path.join(dir, "package.json");
  const packageJson = JSON.parse(readFileSync(file, "utf8")) as { scripts: Record<string, string> };
  packageJson.scripts[NPM_FLOOR_SCRIPT] = "node -e 0";
  writeFileSync(file, `${JSON.stringify(packageJson, null, 2)}\n`);
}

/** What `cdktf init --template=typescript` writes: the CLI runs the app through ts-node. */
function useStockTemplateApp(dir: string): void {
  const file = path.join(dir, "cdktf.json");
  const cdktfJson = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  writeFileSync(file, `${JSON.stringify({ ...cdktfJson, app: "npx ts-node main.ts" }, null, 2)}\n`);
}

/**
 * The environment of a plain terminal: no variables from the `npm run bench` that started us,
 * no TTY spinner, no calls home, and an (empty) Terraform CLI config that exists.
 */
function benchEnv(scratchDir: string): NodeJS.ProcessEnv {
  const cliConfig = path.join(scratchDir, "bench.terraformrc");
  writeFileSync(cliConfig, "");
  const inherited = Object.entries(process.env).filter(([name]) => !/^(npm_|CDKTF_|INFRA_CONFIG$|INIT_CWD$)/i.test(name));
  return { ...Object.fromEntries(inherited), CI: "true", FORCE_COLOR: "0", CHECKPOINT_DISABLE: "1", TF_CLI_CONFIG_FILE: cliConfig };
}

/** One hash of every file under a directory, by relative path. */
function outputDigest(dir: string): string {
  const hash = createHash("sha256");
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else hash.update(path.relative(dir, full)).update("\0").update(readFileSync(full)).update("\0");
    }
  };
  walk(dir);
  return hash.digest("hex");
}
