import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { bundleIfChanged } from "../scripts/cached-bundle";

const OPTIONS = { platform: "node", target: "node20", format: "cjs", packages: "external" } as const;

/** A tiny project: entry.ts imports ./message; every file dated an hour ago, as after a checkout. */
function project(): { root: string; outfile: string; write: (name: string, content: string, options?: { fresh?: boolean }) => void; run: () => string } {
  const root = mkdtempSync(path.join(tmpdir(), "cached-bundle-"));
  const write = (name: string, content: string, options: { fresh?: boolean } = {}): void => {
    const file = path.join(root, name);
    writeFileSync(file, content);
    if (options.fresh !== true) {
      const anHourAgo = new Date(Date.now() - 3_600_000);
      utimesSync(file, anHourAgo, anHourAgo);
    }
  };
  write("entry.ts", 'import { message } from "./message";\nexport const result: string = message;\n');
  write("message.ts", 'export const message = "first";\n');
  const outfile = path.join(root, ".build", "entry.js");
  const run = (): string => {
    const source = readFileSync(outfile, "utf8");
    const module = { exports: {} as { result?: string } };
    new Function("module", "exports", "require", source)(module, module.exports, require);
    return module.exports.result ?? "";
  };
  return { root, outfile, write, run };
}

describe("bundleIfChanged (the app runner's esbuild step)", () => {
  it("builds once, then reuses the bundle while no input changed", () => {
    const { root, outfile, run } = project();
    expect(bundleIfChanged({ root, entry: "entry.ts", outfile, options: OPTIONS })).toBe(true);
    expect(run()).toBe("first");
    expect(bundleIfChanged({ root, entry: "entry.ts", outfile, options: OPTIONS })).toBe(false);
    expect(run()).toBe("first");
  });

  it("rebuilds when an imported file's content changes", () => {
    const { root, outfile, write, run } = project();
    bundleIfChanged({ root, entry: "entry.ts", outfile, options: OPTIONS });
    write("message.ts", 'export const message = "second";\n');
    expect(bundleIfChanged({ root, entry: "entry.ts", outfile, options: OPTIONS })).toBe(true);
    expect(run()).toBe("second");
  });

  it("rebuilds when a file is put back with its old date and the same size (as cp -p or tar would)", () => {
    const { root, outfile, write, run } = project();
    bundleIfChanged({ root, entry: "entry.ts", outfile, options: OPTIONS });
    const file = path.join(root, "message.ts");
    const before = statSync(file);
    write("message.ts", 'export const message = "firsT";\n');
    utimesSync(file, before.atime, before.mtime);
    expect(statSync(file)).toMatchObject({ size: before.size, mtimeMs: before.mtimeMs });
    expect(bundleIfChanged({ root, entry: "entry.ts", outfile, options: OPTIONS })).toBe(true);
    expect(run()).toBe("firsT");
  });

  it("rebuilds when a new file changes how an import resolves", () => {
    const { root, outfile, write, run } = project();
    bundleIfChanged({ root, entry: "entry.ts", outfile, options: OPTIONS });
    write("message.tsx", 'export const message = "from tsx";\n'); // esbuild tries .tsx before .ts
    expect(bundleIfChanged({ root, entry: "entry.ts", outfile, options: OPTIONS })).toBe(true);
    expect(run()).toBe("from tsx");
  });

  it("rebuilds when the options, tsconfig.json or the output change", () => {
    const { root, outfile, write } = project();
    bundleIfChanged({ root, entry: "entry.ts", outfile, options: OPTIONS });
    expect(bundleIfChanged({ root, entry: "entry.ts", outfile, options: { ...OPTIONS, target: "node22" } })).toBe(true);
    write("tsconfig.json", '{ "compilerOptions": { "useDefineForClassFields": false } }\n');
    expect(bundleIfChanged({ root, entry: "entry.ts", outfile, options: { ...OPTIONS, target: "node22" } })).toBe(true);
    rmSync(outfile);
    expect(bundleIfChanged({ root, entry: "entry.ts", outfile, options: { ...OPTIONS, target: "node22" } })).toBe(true);
    expect(existsSync(outfile)).toBe(true);
  });

  it("does not trust a build whose inputs were modified moments before it (they may change during it)", () => {
    const { root, outfile, write } = project();
    write("message.ts", 'export const message = "just saved";\n', { fresh: true });
    expect(bundleIfChanged({ root, entry: "entry.ts", outfile, options: OPTIONS })).toBe(true);
    expect(bundleIfChanged({ root, entry: "entry.ts", outfile, options: OPTIONS })).toBe(true);
  });

  it("stamps a bundled dependency by its package.json: a reinstall with another version rebuilds", () => {
    const { root, outfile, write, run } = project();
    mkdirSync(path.join(root, "node_modules", "greeting"), { recursive: true });
    write("node_modules/greeting/package.json", '{ "name": "greeting", "version": "1.0.0", "main": "index.js" }\n');
    write("node_modules/greeting/index.js", 'exports.greeting = "hello 1";\n');
    write("entry.ts", 'import { greeting } from "greeting";\nexport const result: string = greeting;\n');
    const bundled = { platform: "node", target: "node20", format: "cjs" } as const;
    expect(bundleIfChanged({ root, entry: "entry.ts", outfile, options: bundled })).toBe(true);
    expect(run()).toBe("hello 1");
    const stamp = JSON.parse(readFileSync(`${outfile}.stamp.json`, "utf8")) as { inputs: Record<string, string> };
    expect(Object.keys(stamp.inputs)).toEqual(["entry.ts", "node_modules/greeting/package.json"]);
    expect(bundleIfChanged({ root, entry: "entry.ts", outfile, options: bundled })).toBe(false);
    write("node_modules/greeting/package.json", '{ "name": "greeting", "version": "2.0.0", "main": "index.js" }\n');
    write("node_modules/greeting/index.js", 'exports.greeting = "hello 2";\n');
    expect(bundleIfChanged({ root, entry: "entry.ts", outfile, options: bundled })).toBe(true);
    expect(run()).toBe("hello 2");
  });

  it("rebuilds when a file appears that takes precedence over a directory import, or inside that directory", () => {
    const { root, outfile, write, run } = project();
    mkdirSync(path.join(root, "words"));
    write("words/index.ts", 'export const word = "from the directory";\n');
    write("entry.ts", 'import { word } from "./words";\nexport const result: string = word;\n');
    expect(bundleIfChanged({ root, entry: "entry.ts", outfile, options: OPTIONS })).toBe(true);
    write("words/index.tsx", 'export const word = "from index.tsx";\n');
    expect(bundleIfChanged({ root, entry: "entry.ts", outfile, options: OPTIONS })).toBe(true);
    expect(run()).toBe("from index.tsx");
    write("words.ts", 'export const word = "from words.ts";\n');
    expect(bundleIfChanged({ root, entry: "entry.ts", outfile, options: OPTIONS })).toBe(true);
    expect(run()).toBe("from words.ts");
  });

  it("rebuilds when a node_modules directory appears beside a source (it could hold a package the bundle takes from elsewhere)", () => {
    const { root, outfile } = project();
    bundleIfChanged({ root, entry: "entry.ts", outfile, options: OPTIONS });
    mkdirSync(path.join(root, "node_modules"));
    expect(bundleIfChanged({ root, entry: "entry.ts", outfile, options: OPTIONS })).toBe(true);
  });

  it("rebuilds when a file appears that an import written with .js would now resolve to (esbuild tries .ts first)", () => {
    const { root, outfile, write, run } = project();
    write("message.tsx", 'export const message = "from message.tsx";\n');
    rmSync(path.join(root, "message.ts"));
    write("entry.ts", 'import { message } from "./message.js";\nexport const result: string = message;\n');
    bundleIfChanged({ root, entry: "entry.ts", outfile, options: OPTIONS });
    expect(run()).toBe("from message.tsx");
    write("message.ts", 'export const message = "from message.ts";\n');
    expect(bundleIfChanged({ root, entry: "entry.ts", outfile, options: OPTIONS })).toBe(true);
    expect(run()).toBe("from message.ts");
  });

  it("rebuilds when a source directory gains any file, or its package.json points elsewhere", () => {
    const { root, outfile, write, run } = project();
    mkdirSync(path.join(root, "lib"));
    write("lib/package.json", '{ "main": "first" }\n');
    write("lib/first.ts", 'export const word = "first";\n');
    write("lib/second.ts", 'export const word = "second";\n');
    write("entry.ts", 'import { word } from "./lib";\nexport const result: string = word;\n');
    bundleIfChanged({ root, entry: "entry.ts", outfile, options: OPTIONS });
    expect(run()).toBe("first");
    write("lib/notes.txt", "anything\n");
    expect(bundleIfChanged({ root, entry: "entry.ts", outfile, options: OPTIONS })).toBe(true);
    write("lib/package.json", '{ "main": "second" }\n');
    expect(bundleIfChanged({ root, entry: "entry.ts", outfile, options: OPTIONS })).toBe(true);
    expect(run()).toBe("second");
  });

  it("rebuilds when a file appears that an optional require of a missing file would now find", () => {
    const { root, outfile, write, run } = project();
    write("entry.ts", 'let extra = "absent";\ntry { extra = require("./overrides").extra; } catch {}\nexport const result: string = extra;\n');
    bundleIfChanged({ root, entry: "entry.ts", outfile, options: OPTIONS });
    expect(run()).toBe("absent");
    write("overrides.ts", 'export const extra = "present";\n');
    expect(bundleIfChanged({ root, entry: "entry.ts", outfile, options: OPTIONS })).toBe(true);
    expect(run()).toBe("present");
  });

  it("compares the whole project root when tsconfig.json lets a package name resolve to a project file (baseUrl)", () => {
    const { root, outfile, write, run } = project();
    mkdirSync(path.join(root, "node_modules", "greeting"), { recursive: true });
    write("node_modules/greeting/package.json", '{ "name": "greeting", "version": "1.0.0", "main": "index.js" }\n');
    write("node_modules/greeting/index.js", 'exports.greeting = "from the package";\n');
    write("tsconfig.json", '{ "compilerOptions": { "baseUrl": "." } }\n');
    write("entry.ts", 'import { greeting } from "greeting";\nexport const result: string = greeting;\n');
    const bundled = { platform: "node", target: "node20", format: "cjs" } as const;
    bundleIfChanged({ root, entry: "entry.ts", outfile, options: bundled });
    expect(run()).toBe("from the package");
    write("greeting.ts", 'export const greeting = "from the project root";\n');
    expect(bundleIfChanged({ root, entry: "entry.ts", outfile, options: bundled })).toBe(true);
    expect(run()).toBe("from the project root");
  });

  it("stamps an import through a directory that does not exist (./gone/../message)", () => {
    const { root, outfile, write, run } = project();
    write("entry.ts", 'import { message } from "./gone/../message";\nexport const result: string = message;\n');
    expect(bundleIfChanged({ root, entry: "entry.ts", outfile, options: OPTIONS })).toBe(true);
    expect(run()).toBe("first");
    expect(bundleIfChanged({ root, entry: "entry.ts", outfile, options: OPTIONS })).toBe(false);
  });

  it("keeps the bundle when only files no import could reach are added or removed", () => {
    const { root, outfile, write } = project();
    bundleIfChanged({ root, entry: "entry.ts", outfile, options: OPTIONS });
    write("README.md", "# notes\n");
    mkdirSync(path.join(root, "docs"));
    write("messages.ts", "export const other = 1;\n"); // a longer name, not message.<extension>
    expect(bundleIfChanged({ root, entry: "entry.ts", outfile, options: OPTIONS })).toBe(false);
  });

  it("reuses the bundle in a copy of the project that holds only the imported files (the copy's stat differs, the content does not)", () => {
    const { root, outfile, write } = project();
    write("README.md", "# notes\n");
    bundleIfChanged({ root, entry: "entry.ts", outfile, options: OPTIONS });
    const copy = mkdtempSync(path.join(tmpdir(), "cached-bundle-copy-"));
    for (const name of ["entry.ts", "message.ts", ".build"]) cpSync(path.join(root, name), path.join(copy, name), { recursive: true });
    const copied = path.join(copy, ".build", "entry.js");
    expect(bundleIfChanged({ root: copy, entry: "entry.ts", outfile: copied, options: OPTIONS })).toBe(false);
    writeFileSync(path.join(copy, "message.ts"), 'export const message = "changed in the copy";\n');
    expect(bundleIfChanged({ root: copy, entry: "entry.ts", outfile: copied, options: OPTIONS })).toBe(true);
  });

  it("leaves only the bundle and its stamp behind", () => {
    const { root, outfile } = project();
    bundleIfChanged({ root, entry: "entry.ts", outfile, options: OPTIONS });
    expect(readdirSync(path.dirname(outfile)).sort()).toEqual(["entry.js", "entry.js.stamp.json"]);
  });
});
