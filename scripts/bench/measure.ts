import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/** What one run of a command cost, for the whole tree of processes it started. */
export interface Measurement {
  readonly wallMs: number;
  /** User + system CPU of the command and every descendant it waited for (exact, 10 ms ticks). */
  readonly cpuMs: number;
  /** Largest sum of the resident sets of all live processes of the tree at one sample. */
  readonly treePeakMb: number;
  /** Largest high-water mark (VmHWM) of any single process of the tree: what `time -v` reports. */
  readonly processPeakMb: number;
  readonly processCount: number;
  readonly exitCode: number | null;
  /** The end of stdout and stderr, to explain a failed run. */
  readonly outputTail: string;
}

export interface MeasureOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** @default 10 */
  readonly sampleEveryMs?: number;
}

/** Linux USER_HZ: the unit of the CPU times in /proc/<pid>/stat. */
const CLOCK_TICK_MS = 10;
const OUTPUT_TAIL_CHARS = 4000;

/**
 * Runs a command and measures wall time, CPU time and memory of its whole process tree.
 * Memory comes from sampling /proc every few milliseconds: a process's VmHWM is its own exact
 * peak as long as it is seen alive once; the tree sum can miss a peak shorter than one sample.
 * Summed resident sets count pages shared between processes (the node binary) once per process,
 * so the tree figure is an upper bound of the memory the machine needed.
 * CPU time is exact: the kernel adds a waited-for child's CPU (and its own waited-for
 * children's) to this process's cutime/cstime.
 */
export function measure(command: string, args: readonly string[], options: MeasureOptions): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    const cpuBefore = childrenCpuTicks();
    const started = performance.now();
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
    const rootPid = child.pid;
    if (rootPid === undefined) {
      child.once("error", reject);
      return;
    }
    let output = "";
    const keepTail = (chunk: Buffer): void => {
      output = (output + chunk.toString("utf8")).slice(-OUTPUT_TAIL_CHARS);
    };
    child.stdout.on("data", keepTail);
    child.stderr.on("data", keepTail);

    const tree = new ProcessTree(rootPid);
    tree.sample();
    const sampler = setInterval(() => tree.sample(), options.sampleEveryMs ?? 10);
    child.once("error", (error) => {
      clearInterval(sampler);
      reject(error);
    });
    child.once("close", (code) => {
      const wallMs = performance.now() - started;
      clearInterval(sampler);
      resolve({
        wallMs,
        cpuMs: (childrenCpuTicks() - cpuBefore) * CLOCK_TICK_MS,
        treePeakMb: tree.treePeakKb / 1024,
        processPeakMb: tree.processPeakKb / 1024,
        processCount: tree.seenCount,
        exitCode: code,
        outputTail: output,
      });
    });
  });
}

/** cutime + cstime of this process: CPU of all children it has waited for. */
function childrenCpuTicks(): number {
  const fields = statFields("self");
  if (fields === undefined) throw new Error("cannot read /proc/self/stat: the bench needs Linux");
  return Number(fields[13]) + Number(fields[14]);
}

/** Fields of /proc/<pid>/stat after the command name (which may contain spaces): [0] is the state. */
function statFields(pid: number | "self"): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined; // the process has already exited
  }
}

/**
 * The descendants of one process, found by parent pid. Only pids at or above the root's are
 * considered (Linux hands out pids in increasing order; a wrap-around during one run would hide
 * processes from the count), and each pid's parent is read once.
 */
class ProcessTree {
  treePeakKb = 0;
  processPeakKb = 0;
  private readonly members = new Set<number>();
  private readonly strangers = new Set<number>();

  constructor(private readonly rootPid: number) {
    this.members.add(rootPid);
  }

  get seenCount(): number {
    return this.members.size;
  }

  sample(): void {
    for (const pid of this.newPids()) {
      const parent = Number(statFields(pid)?.[1]);
      if (this.members.has(parent)) this.members.add(pid);
      else this.strangers.add(pid);
    }
    let treeKb = 0;
    for (const pid of this.members) {
      const memory = residentMemory(pid);
      if (memory === undefined) continue;
      treeKb += memory.rssKb;
      this.processPeakKb = Math.max(this.processPeakKb, memory.hwmKb);
    }
    this.treePeakKb = Math.max(this.treePeakKb, treeKb);
  }

  /** Pids not classified yet, in increasing order so that parents come before their children. */
  private newPids(): number[] {
    return readdirSync("/proc")
      .map(Number)
      .filter((pid) => Number.isInteger(pid) && pid > this.rootPid && !this.members.has(pid) && !this.strangers.has(pid))
      .sort((a, b) => a - b);
  }
}

function residentMemory(pid: number): { rssKb: number; hwmKb: number } | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return undefined;
  }
  const rss = /^VmRSS:\s+(\d+) kB/m.exec(status);
  const hwm = /^VmHWM:\s+(\d+) kB/m.exec(status);
  if (rss === null || hwm === null) return undefined; // a zombie: exited, not yet reaped
  return { rssKb: Number(rss[1]), hwmKb: Number(hwm[1]) };
}
