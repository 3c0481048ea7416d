#!/usr/bin/env node
// Checks that the tools an npm script needs are on PATH before it runs, so a missing tool is one
// line saying what to install (exit 1) rather than a stack trace from deep inside the script.
// Usage (in package.json): node scripts/require-tools.js terraform && node scripts/...
"use strict";
const { spawnSync } = require("node:child_process");

/** What each tool is called on PATH, and how to get it. */
const TOOLS = {
  terraform: { commands: ["terraform"], install: "install Terraform >= 1.10 from https://developer.hashicorp.com/terraform/install" },
  wg: { commands: ["wg", "wg-quick"], install: "apt-get install wireguard-tools" },
  "wireguard-go": { commands: ["wireguard-go"], install: "apt-get install wireguard-go" },
  netns: { commands: ["ip", "unshare", "ping"], install: "apt-get install iproute2 util-linux iputils-ping" },
  qemu: { commands: ["qemu-system-x86_64"], install: "apt-get install qemu-system-x86" },
  debootstrap: { commands: ["debootstrap", "mkfs.ext4"], install: "apt-get install debootstrap e2fsprogs" },
  "apt-get": { commands: ["apt-get", "dpkg-deb"], install: "run it on Debian or Ubuntu, where apt-get and dpkg-deb exist" },
  root: { commands: [], install: "run it as root: sudo -E npm run ..." },
};

function onPath(command) {
  return spawnSync("sh", ["-c", 'command -v "$1" >/dev/null', "sh", command]).status === 0;
}

function missing(name) {
  const tool = TOOLS[name];
  if (tool === undefined) {
    console.error(`require-tools.js: no tool named ${name} (known: ${Object.keys(TOOLS).join(", ")})`);
    process.exit(2);
  }
  if (name === "root") return process.getuid?.() === 0 ? [] : ["root"];
  return tool.commands.filter((command) => !onPath(command));
}

const script = process.env.npm_lifecycle_event ? `npm run ${process.env.npm_lifecycle_event}` : "this command";
const lacking = process.argv.slice(2).filter((name) => missing(name).length > 0);
if (lacking.length > 0) {
  const what = lacking.map((name) => `${missing(name).join(", ")} (${TOOLS[name].install})`).join("; ");
  console.error(`error: ${script} needs ${what}; nothing was run.`);
  process.exit(1);
}
