#!/usr/bin/env node
// `npm run -s tf:env`: prints the exports that point plain terraform at the emulated providers
// and a fake cloud store (offline-terraform/runner/tf-env-cli.ts, bundled like run-app.js).
"use strict";
require("./cached-bundle").runBundled("offline-terraform/runner/tf-env-cli.ts", "tf-env");
