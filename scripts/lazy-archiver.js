// The bundle's stand-in for `archiver` (run-app.js aliases the package name to this file).
// cdktf requires archiver when it loads, but only calls it to zip a TerraformAsset of type
// ARCHIVE, which this app never creates; loading it (its streams, lodash, glob and crc tables)
// was about half of cdktf's load time. The real package, cdktf's own bundled copy, is still in
// the bundle and is initialised on the first call.
"use strict";
module.exports = function archiver(...args) {
  return require("cdktf/node_modules/archiver")(...args);
};
