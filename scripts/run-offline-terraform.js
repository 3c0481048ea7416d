#!/usr/bin/env node
// Runs offline-terraform/runner/cli.ts (tf:validate, tf:plan, deploy:local) through esbuild,
// like run-app.js does for main.ts, rebuilding only when a source changed (cached-bundle.js).
"use strict";
require("./cached-bundle").runBundled("offline-terraform/runner/cli.ts", "offline-terraform");
