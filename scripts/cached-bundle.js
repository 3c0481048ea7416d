// Bundles a TypeScript entry with esbuild, skipping the build when nothing it depends on changed.
// A build costs ~0.1 s of CPU plus an esbuild child process; checking the stamp costs ~2 ms.
// The stamp beside the output records what the bundle was built from: the SHA-256 of every input
// file esbuild read (its metafile), the directory entries that could change how an import
// resolves (see resolutionNames), tsconfig.json and package.json (esbuild reads both), the
// esbuild version and the build options. Any difference rebuilds. Inputs inside node_modules (a
// bundle that includes its dependencies reads hundreds of them) are stamped by the package.json
// of the package they belong to, whose version changes whenever npm installs other content;
// hashing every file there would cost more than the build saves. Checking reads a file again only when
// its size, modification or change time or inode differ from the stamp (git's index does the
// same): copying an older file back with its old date still changes its change time, which no
// tool can set. Plain JS so it runs before any
// TypeScript is compiled; esbuild itself is only loaded when a build is needed.
"use strict";
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

const STAMP_FORMAT = 4;
/** An input modified this close to the build start may not be in the bundle: leave it unstamped. */
const MTIME_SLACK_MS = 2000;

/**
 * Makes sure `outfile` is the bundle of `entry` (relative to `root`) under `options`.
 * @returns {boolean} true when it had to build
 */
function bundleIfChanged({ root, entry, outfile, options }) {
  const stampFile = `${outfile}.stamp.json`;
  const settings = settingsDigest(root, entry, options);
  if (fs.existsSync(outfile) && isFresh(root, stampFile, settings)) return false;

  const esbuild = require("esbuild");
  const started = Date.now();
  const temporary = `${outfile}.${process.pid}.tmp`;
  const result = esbuild.buildSync({
    ...options,
    entryPoints: [path.join(root, entry)],
    outfile: temporary,
    absWorkingDir: root,
    bundle: true,
    metafile: true,
    logLevel: "error",
  });
  fs.renameSync(temporary, outfile);

  const inputs = stampedInputs(Object.keys(result.metafile.inputs));
  if (inputs.every((input) => fs.statSync(path.join(root, input)).mtimeMs < started - MTIME_SLACK_MS)) {
    const stamp = {
      format: STAMP_FORMAT,
      settings,
      inputs: digestInputs(root, inputs),
      resolution: digestResolution(root, resolutionNames(result.metafile.inputs, rootResolvesBareImports(root))),
      stats: statsOf(root, inputs),
    };
    fs.writeFileSync(temporary, JSON.stringify(stamp));
    fs.renameSync(temporary, stampFile);
  } else {
    fs.rmSync(stampFile, { force: true });
  }
  return true;
}

function isFresh(root, stampFile, settings) {
  let stamp;
  try {
    stamp = JSON.parse(fs.readFileSync(stampFile, "utf8"));
  } catch {
    return false;
  }
  if (stamp.format !== STAMP_FORMAT || stamp.settings !== settings) return false;
  const inputs = Object.keys(stamp.inputs);
  try {
    // Names are always compared, not directory times: a synth adds and removes its staging
    // directory beside cdktf.out, so the project directory's own times change on every run.
    const names = Object.keys(stamp.resolution).map((key) => key.split("\0"));
    if (!sameEntries(digestResolution(root, names), stamp.resolution)) return false;
    return sameEntries(statsOf(root, inputs), stamp.stats) || sameEntries(digestInputs(root, inputs), stamp.inputs);
  } catch {
    return false; // an input disappeared
  }
}

/** What a write, rename, copy or new directory entry changes, by path. */
function statsOf(root, files) {
  return Object.fromEntries(
    files.map((file) => {
      const stat = fs.statSync(path.join(root, file), { bigint: true });
      return [file, `${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}:${stat.ino}`];
    }),
  );
}

function settingsDigest(root, entry, options) {
  const hash = crypto.createHash("sha256");
  hash.update(JSON.stringify({ entry, options, esbuild: require("esbuild/package.json").version }));
  for (const file of ["tsconfig.json", "package.json"]) hash.update("\0").update(readIfExists(path.join(root, file)));
  return hash.digest("hex");
}

/** Project files as they are; files of an installed package replaced by that package's package.json. */
function stampedInputs(inputs) {
  const stamped = new Set();
  for (const input of inputs) {
    const match = /^(.*?node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    stamped.add(match ? `${match[1]}/package.json` : input);
  }
  return [...stamped].sort();
}

function digestInputs(root, inputs) {
  return Object.fromEntries(inputs.map((input) => [input, sha256(fs.readFileSync(path.join(root, input)))]));
}

/** Files esbuild reads in every directory from a source file's up to the project root. */
const PER_DIRECTORY_NAMES = ["node_modules", "package.json", "tsconfig.json", "jsconfig.json"];
/** Of those, the ones whose content (not only presence) changes resolution; the root's are in the settings digest. */
const CONTENT_NAMES = new Set(["package.json", "tsconfig.json", "jsconfig.json"]);
/** The name that stands for a directory's whole listing. */
const EVERY_ENTRY = "*";

/**
 * [directory, name] pairs whose entries decide how the project's own imports resolve. Every
 * directory holding a project source is compared whole (EVERY_ENTRY), as before: a new file
 * anywhere in it may change a resolution. The project root is the exception, compared by name
 * only, because a copy of the project holds only the app's files and the working tree holds much
 * more (tests, docs, output): for each import, the entries named like each segment it walks and
 * like the file it resolved to (`./x.js` may resolve to `x.ts`); `index` and `package.json` of a
 * directory import; node_modules and the configuration files esbuild reads on the way up.
 * Imports inside installed packages are left out: a package is stamped by its package.json.
 */
function resolutionNames(metafileInputs, compareRootWhole) {
  const pairs = new Set();
  const add = (dir, name) => pairs.add(`${dir}\0${dir === "." && !compareRootWhole ? name : EVERY_ENTRY}`);
  for (const [input, { imports }] of Object.entries(metafileInputs)) {
    if (input.includes("node_modules/")) continue;
    for (let dir = path.dirname(input); ; dir = path.dirname(dir)) {
      for (const name of PER_DIRECTORY_NAMES) pairs.add(`${dir}\0${name}`);
      if (dir === ".") break;
    }
    if (path.dirname(input) !== "." || compareRootWhole) add(path.dirname(input), EVERY_ENTRY);
    for (const { path: resolved, original } of imports) {
      // An import esbuild left external (an optional require of a missing file) has no `original`.
      const written = original ?? resolved;
      if (!/^\.\.?(\/|$)/.test(written)) continue;
      let dir = path.dirname(input);
      for (const segment of written.split("/")) {
        if (segment === "." || segment === "") continue;
        if (segment.includes("*")) {
          // A require with a template: esbuild bundles every matching file below `dir`.
          pairs.add(`${dir}\0${EVERY_ENTRY}`);
          break;
        }
        if (segment !== "..") add(dir, segment);
        dir = path.normalize(path.join(dir, segment));
      }
      if (resolved.startsWith("..") || path.isAbsolute(resolved) || original === undefined) continue;
      add(path.dirname(resolved), path.basename(resolved).split(".")[0]);
      // A directory import: which index file, or which "main" of its package.json, wins.
      if (path.dirname(resolved) === dir) {
        add(dir, "index");
        add(dir, "package.json");
      }
    }
  }
  return [...pairs].sort().map((pair) => pair.split("\0"));
}

/**
 * Whether tsconfig.json may make a package name resolve to a project file (`baseUrl`, `paths`,
 * or an `extends` that could set them): then any new file at the root may shadow a package, and
 * the root is compared whole.
 */
function rootResolvesBareImports(root) {
  return /"(baseUrl|paths|extends)"\s*:/.test(String(readIfExists(path.join(root, "tsconfig.json"))));
}

/**
 * For each [directory, name]: the directory's entries called `name` or `name.<anything>` (all of
 * them for EVERY_ENTRY), and the content of a package.json, tsconfig.json or jsconfig.json among
 * them below the root. A directory that does not exist (`./gone/../x` resolves without it) lists nothing.
 */
function digestResolution(root, pairs) {
  const listings = new Map();
  const listing = (dir) => {
    if (!listings.has(dir)) {
      let entries;
      try {
        entries = fs.readdirSync(path.join(root, dir)).sort();
      } catch (error) {
        if (error.code !== "ENOENT" && error.code !== "ENOTDIR") throw error;
        entries = [];
      }
      listings.set(dir, entries);
    }
    return listings.get(dir);
  };
  const digestOf = (dir, name) => {
    const entries = listing(dir).filter((entry) => name === EVERY_ENTRY || entry === name || entry.startsWith(`${name}.`));
    const contents = dir === "." ? [] : entries.filter((entry) => CONTENT_NAMES.has(entry)).map((entry) => sha256(readIfExists(path.join(root, dir, entry))));
    return sha256([...entries, ...contents].join("\n"));
  };
  return Object.fromEntries(pairs.map(([dir, name]) => [`${dir}\0${name}`, digestOf(dir, name)]));
}

function sameEntries(actual, expected) {
  const keys = Object.keys(expected);
  return keys.length === Object.keys(actual).length && keys.every((key) => actual[key] === expected[key]);
}

function readIfExists(file) {
  try {
    return fs.readFileSync(file);
  } catch {
    return "";
  }
}

function sha256(data) {
  return crypto.createHash("sha256").update(data).digest("hex");
}

/**
 * What the npm scripts' launchers do: bundle a TypeScript entry of the project (dependencies
 * external) into .build/<name>.js when a source changed, then run it.
 * @param {string} entry path of the entry, relative to the project root
 * @param {string} name name of the bundle in .build/
 */
function runBundled(entry, name) {
  const root = path.resolve(__dirname, "..");
  const outfile = path.join(root, ".build", `${name}.js`);
  bundleIfChanged({ root, entry, outfile, options: { platform: "node", target: "node20", format: "cjs", packages: "external" } });
  require(outfile);
}

module.exports = { bundleIfChanged, runBundled };
