import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { copyProject, runApp } from "./helpers/project-copy";

/** Every file under `dir`, relative path -> content. */
function tree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (relative: string): void => {
    for (const entry of readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      const name = path.join(relative, entry.name);
      if (entry.isDirectory()) walk(name);
      else files[name] = readFileSync(path.join(dir, name), "utf8");
    }
  };
  walk("");
  return files;
}

describe("the app runner's caches (compiled code, parsed tfvars) change how fast a synth starts, never what it writes", () => {
  const project = copyProject();
  const build = path.join(project, ".build");
  const synth = (): Record<string, string> => {
    const run = runApp(project, ["--quiet"]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    return tree(path.join(project, "cdktf.out"));
  };

  it("writes both caches on the first run, and the same files from them on the next", () => {
    const cold = synth();
    expect(existsSync(path.join(build, "main.js.code-cache"))).toBe(true);
    expect(readdirSync(path.join(build, "parse-cache"))).toHaveLength(1);
    expect(synth()).toEqual(cold);
  });

  it("recovers from a damaged code cache and a damaged parse-cache entry, writing the same files", () => {
    const reference = synth();
    writeFileSync(path.join(build, "main.js.code-cache"), "not V8 bytecode");
    const [entry] = readdirSync(path.join(build, "parse-cache"));
    writeFileSync(path.join(build, "parse-cache", entry ?? ""), "{ truncated");
    expect(synth()).toEqual(reference);
    expect(readFileSync(path.join(build, "main.js.code-cache"), "utf8")).not.toBe("not V8 bytecode");
    expect(JSON.parse(readFileSync(path.join(build, "parse-cache", entry ?? ""), "utf8"))).toHaveProperty("project_name");
  });
});
