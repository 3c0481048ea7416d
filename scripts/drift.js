#!/usr/bin/env node
// `npm run drift`: what changed outside Terraform, per stack
// (offline-terraform/runner/drift-cli.ts, bundled like run-app.js).
"use strict";
require("./cached-bundle").runBundled("offline-terraform/runner/drift-cli.ts", "drift");
