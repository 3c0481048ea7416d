import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, realpathSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "./helpers/synth";

const scripts = (JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;

/** What a script runs, and the tools (names in scripts/require-tools.js) that thing needs. */
const NEEDS: readonly (readonly [RegExp, readonly string[]])[] = [
  [/run-offline-terraform\.js|scripts\/drift\.js|scripts\/destroy\.js/, ["terraform"]],
  [/jest\.netns\.config/, ["root", "netns", "wg", "wireguard-go"]],
  [/jest\.boot\.config/, ["root", "qemu", "debootstrap"]],
  [/fetch-cloud-init-schemas\.sh/, ["apt-get"]],
];

/** A PATH holding only node, sh and npm: every other tool is missing. */
function barePath(): string {
  const bin = mkdtempSync(path.join(tmpdir(), "bare-path-"));
  for (const tool of ["node", "sh", "npm"]) {
    const found = spawnSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8" }).stdout.trim();
    symlinkSync(realpathSync(found), path.join(bin, tool));
  }
  return bin;
}

describe("npm scripts that need a tool", () => {
  it("check for it first with scripts/require-tools.js", () => {
    const checked = Object.entries(scripts).flatMap(([name, command]) =>
      NEEDS.filter(([pattern]) => pattern.test(command)).slice(0, 1).map(() => ({ name, check: /^node scripts\/require-tools\.js ([a-z -]+) && /.exec(command)?.[1]?.split(" ") ?? [] })),
    );
    expect(checked.map(({ name }) => name).sort()).toEqual(["deploy:local", "deploy:local:cdktf", "destroy", "drift", "fetch:cloud-init-schemas", "test:boot", "test:netns", "tf:plan", "tf:validate"]);
    for (const { name, check } of checked) {
      const command = scripts[name] ?? "";
      const needed = NEEDS.filter(([pattern]) => pattern.test(command)).flatMap(([, tools]) => tools);
      expect({ name, check: [...check].sort() }).toEqual({ name, check: [...needed].sort() });
    }
  });

  it("say in one line what to install, exit 1, and run nothing when the tool is missing", () => {
    const result = spawnSync("npm", ["run", "--silent", "tf:plan"], { cwd: REPO_ROOT, encoding: "utf8", env: { ...process.env, PATH: barePath() } });
    expect({ status: result.status, stdout: result.stdout, stderr: result.stderr }).toEqual({
      status: 1,
      stdout: "",
      stderr: "error: npm run tf:plan needs terraform (install Terraform >= 1.10 from https://developer.hashicorp.com/terraform/install); nothing was run.\n",
    });
  });

  it("refuse a tool name they do not know (a mistake in package.json) with exit 2", () => {
    const result = spawnSync(process.execPath, ["scripts/require-tools.js", "terraformm"], { cwd: REPO_ROOT, encoding: "utf8" });
    expect({ status: result.status, stderr: result.stderr.split("\n")[0] }).toEqual({
      status: 2,
      stderr: "require-tools.js: no tool named terraformm (known: terraform, wg, wireguard-go, netns, qemu, debootstrap, apt-get, root)",
    });
  });
});
