#!/usr/bin/env node
// `npm run adopt`: bundles scripts/adopt.ts with esbuild (only when a source changed, see
// cached-bundle.js) and runs it, as run-app.js does for the app.
"use strict";
require("./cached-bundle").runBundled("scripts/adopt.ts", "adopt");
