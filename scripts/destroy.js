#!/usr/bin/env node
// Runs scripts/destroy.ts (npm run destroy) through esbuild, like run-app.js does for main.ts.
"use strict";
process.env.DESTROY_SCRIPT_MAIN = "1";
require("./cached-bundle").runBundled("scripts/destroy.ts", "destroy");
