import { parseArgs } from "node:util";
import { currentLoad, machineInfo } from "./machine";
import { measureScaling, type ScalingPoint } from "./scaling";
import { formatMb, formatSeconds, growthExponent } from "./stats";
import { compareSynthPaths, type ComparisonResult, type ScenarioResult } from "./synth-comparison";
import { measureTestSuite, type TestSuiteResult } from "./test-suite";

/**
 * The speed targets, printed against the figures (never asserted in tests): ratios to a bare
 * `node -e 0` of the same run, so a busy machine moves both sides.
 */
const TARGET = {
  appOverNode: 2.5,
  appPeakMb: 90,
  npmOverNode: 3.5,
  stockOverNpm: 20,
  hosts500WallMs: 2000,
  hosts500PeakMb: 200,
  growthExponent: 1.1,
  testSuiteMs: 120_000,
} as const;

interface BenchOptions {
  readonly rounds: number;
  /** Sizes for the real app (the example plus N generated OVH mesh members). */
  readonly appSizes: readonly number[];
  readonly tests: boolean;
  readonly scaling: boolean;
}

const USAGE =
  "usage: npm run bench [-- --rounds N] [--app-sizes 1,10,100,500] [--no-tests] [--no-scaling]";

function parseOptions(argv: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      rounds: { type: "string", default: "5" },
      "app-sizes": { type: "string", default: "1,10,100,500" },
      "no-tests": { type: "boolean", default: false },
      "no-scaling": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  const sizes = (flag: string, text: string): number[] => {
    const parsed = text.split(",").map(Number);
    if (parsed.some((size) => !Number.isInteger(size) || size < 1)) throw new Error(`--${flag}: expected positive integers, got ${text}\n${USAGE}`);
    return parsed;
  };
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds: expected a positive integer\n${USAGE}`);
  return {
    rounds,
    appSizes: sizes("app-sizes", values["app-sizes"]),
    tests: !values["no-tests"],
    scaling: !values["no-scaling"],
  };
}

async function main(root: string, argv: readonly string[]): Promise<void> {
  if (argv.includes("--help")) {
    console.log(USAGE);
    return;
  }
  let options: BenchOptions;
  try {
    options = parseOptions(argv);
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(1);
  }
  const started = performance.now();
  const log = (line: string): void => console.error(`[bench ${((performance.now() - started) / 1000).toFixed(0)}s, load ${currentLoad()}] ${line}`);
  const machine = machineInfo();
  const lines: string[] = [];
  lines.push(`## npm run bench, ${machine.date}`, "");
  lines.push(`Machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGib} GiB, Node ${machine.node}; load average (1/5/15 min) at start ${machine.load}.`, "");

  const comparison = await compareSynthPaths(root, { rounds: options.rounds, minRounds: Math.min(3, options.rounds), budgetMs: 100_000 }, log);
  lines.push(...comparisonSection(comparison));

  if (options.scaling) {
    const app = await measureScaling(root, { meshStyle: "app", sizes: options.appSizes, repetitions: (hosts) => (hosts >= 100 ? 1 : 3) }, log);
    lines.push(...appScalingSection(app));
  }

  if (options.tests) {
    log("test suite: npm test");
    lines.push(...testSuiteSection(await measureTestSuite(root, process.env)));
  }
  lines.push(`Load average at the end: ${currentLoad()}. The bench took ${((performance.now() - started) / 1000).toFixed(0)} s.`);
  console.log(lines.join("\n"));
}

function comparisonSection(result: ComparisonResult): string[] {
  const byKey = (key: string): ScenarioResult => {
    const scenario = result.scenarios.find((candidate) => candidate.key === key);
    if (scenario === undefined) throw new Error(`no scenario ${key}`);
    return scenario;
  };
  const node = byKey("node");
  const npm = byKey("npm");
  const npmFloor = byKey("npm-floor");
  const app = byKey("app");
  const cli = byKey("cli");
  const stock = byKey("stock");
  const times = (slow: ScenarioResult, fast: ScenarioResult): number => slow.wall.median / fast.wall.median;
  const ratio = (slow: ScenarioResult, fast: ScenarioResult): string => `${times(slow, fast).toFixed(1)}x`;
  const verdict = (met: boolean): string => (met ? "met" : "NOT met");
  const lines = [
    `### Whole-app synth: ${result.rounds} interleaved rounds, median (min-max)`,
    "",
    "| path | wall | CPU (user+sys) | peak RSS, process tree | peak RSS, largest process | processes |",
    "|---|---|---|---|---|---|",
    ...result.scenarios.map(
      (scenario) =>
        `| ${scenario.label} | ${formatSeconds(scenario.wall)} | ${formatSeconds(scenario.cpu)} | ${formatMb(scenario.treePeak)} | ${formatMb(scenario.processPeak)} | ${scenario.processes} |`,
    ),
    "",
    `Wall-time ratios (medians): (a')/(n) = ${ratio(app, node)}, (a)/(n) = ${ratio(npm, node)}, (m)/(n) = ${ratio(npmFloor, node)}, (b)/(a) = ${ratio(cli, npm)}, (c)/(a) = ${ratio(stock, npm)}, (c)/(a') = ${ratio(stock, app)}.`,
    `All paths wrote byte-identical cdktf.out files: ${result.identicalOutput ? "yes" : "NO"}.`,
    "",
    "Targets:",
    `- the app alone (a') <= ${TARGET.appOverNode}x a bare node start: ${ratio(app, node)}: ${verdict(times(app, node) <= TARGET.appOverNode)}`,
    `- its peak <= ${TARGET.appPeakMb} MB: ${formatMb(app.processPeak)}: ${verdict(app.processPeak.median <= TARGET.appPeakMb)}`,
    `- npm run synth (a) <= ${TARGET.npmOverNode}x a bare node start: ${ratio(npm, node)}: ${verdict(times(npm, node) <= TARGET.npmOverNode)} (npm alone, (m): ${ratio(npmFloor, node)})`,
    `- the stock path (c) >= ${TARGET.stockOverNpm}x npm run synth: ${ratio(stock, npm)}: ${verdict(times(stock, npm) >= TARGET.stockOverNpm)}`,
    "",
  ];
  return lines;
}

function scalingTable(points: readonly ScalingPoint[]): string[] {
  return [
    "| hosts | resources | mesh entries | output | wall | CPU | peak RSS | build + synth in process, wall | same, CPU |",
    "|---|---|---|---|---|---|---|---|---|",
    ...points.map(
      (point) =>
        `| ${point.report.hosts} | ${point.report.resources} | ${point.report.meshEntries} | ${(point.report.outputBytes / 1e6).toFixed(2)} MB | ${formatSeconds(point.wall)} | ${formatSeconds(point.cpu)} | ${formatMb(point.peak)} | ${formatSeconds(point.synth)} | ${formatSeconds(point.synthCpu)} |`,
    ),
    "",
    growthNote(points),
    "",
  ];
}

function appScalingSection(points: readonly ScalingPoint[]): string[] {
  return [
    "### Scaling the real app: the example config plus N OVH servers, every one a booted mesh member",
    "",
    "All stacks (main, data, hosts, edge); mesh entries are the [Peer] sections written in the Terraform (each once, in the hosts stack's local.mesh_peers; N+3 members) plus the addresses of the droplet's mesh firewall.",
    "",
    ...scalingTable(points),
    ...hostTargets(points),
  ];
}

function hostTargets(points: readonly ScalingPoint[]): string[] {
  const at500 = points.find((point) => point.report.hosts === 500);
  const exponent = growthExponentOf(points);
  const lines = ["Targets:"];
  if (at500 === undefined) lines.push("- 500 hosts: not measured (add 500 to --app-sizes)");
  else {
    lines.push(`- 500 hosts <= ${TARGET.hosts500WallMs / 1000} s wall: ${formatSeconds(at500.wall)}: ${at500.wall.median <= TARGET.hosts500WallMs ? "met" : "NOT met"}`);
    lines.push(`- 500 hosts <= ${TARGET.hosts500PeakMb} MB peak: ${formatMb(at500.peak)}: ${at500.peak.median <= TARGET.hosts500PeakMb ? "met" : "NOT met"}`);
  }
  if (exponent !== undefined) lines.push(`- growth exponent <= ${TARGET.growthExponent}: ${exponent.toFixed(2)}: ${exponent <= TARGET.growthExponent ? "met" : "NOT met"}`);
  return [...lines, ""];
}

/**
 * The growth exponent of build + synth CPU between the two largest sizes (1 = linear). CPU, not
 * wall, because it is steadier on a shared machine; the smallest size's cost is subtracted as the
 * part that does not grow with hosts.
 */
function growthExponentOf(points: readonly ScalingPoint[]): number | undefined {
  const base = points[0];
  const large = points[points.length - 1];
  const small = points[points.length - 2];
  if (base === undefined || large === undefined || small === undefined || points.length < 3) return undefined;
  const fixed = base.synthCpu.median;
  return growthExponent(small.report.hosts, small.synthCpu.median - fixed, large.report.hosts, large.synthCpu.median - fixed);
}

function growthNote(points: readonly ScalingPoint[]): string {
  const base = points[0];
  const large = points[points.length - 1];
  const small = points[points.length - 2];
  const exponent = growthExponentOf(points);
  if (base === undefined || large === undefined || small === undefined || exponent === undefined) return "";
  return `Build + synth CPU, less the ${base.report.hosts}-host cost, grows as hosts^${exponent.toFixed(2)} from ${small.report.hosts} to ${large.report.hosts} hosts (1 = linear, 2 = quadratic).`;
}

function testSuiteSection(result: TestSuiteResult): string[] {
  return [
    "### Test suite",
    "",
    `\`npm test\` (tsc, then jest): ${(result.wallMs / 1000).toFixed(1)} s wall, ${(result.cpuMs / 1000).toFixed(1)} s CPU; ` +
      `\`npm run typecheck\` alone ${(result.typecheckMs / 1000).toFixed(1)} s. ${result.passed} passed, ${result.failed} failed. ` +
      `Target <= ${TARGET.testSuiteMs / 1000} s on a quiet machine: ${result.wallMs <= TARGET.testSuiteMs ? "met" : "NOT met"}.`,
    "",
    "| test file (slowest first) | time |",
    "|---|---|",
    ...result.files.slice(0, 10).map((file) => `| ${file.file} | ${(file.ms / 1000).toFixed(1)} s |`),
    "",
  ];
}

const root = process.argv[2];
if (root === undefined) throw new Error("run through scripts/bench/run.js");
main(root, process.argv.slice(3)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
