// Writes LICENSES.txt beside the bundle: every npm package bundled into the query page, its
// version and its licence text (Oxigraph's npm package ships none: ours is oxigraph-LICENSE).
import { readFileSync, readdirSync, existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const out = process.argv[2];
const lock = JSON.parse(readFileSync("package-lock.json", "utf8"));
const sections = [];
for (const [path, entry] of Object.entries(lock.packages).sort()) {
  if (!path.startsWith("node_modules/") || path.includes("esbuild")) continue; // esbuild only builds
  const name = path.slice("node_modules/".length);
  const folder = join("node_modules", name);
  const file = readdirSync(folder).find((f) => /^licen[cs]e/i.test(f));
  const licence = file ? readFileSync(join(folder, file), "utf8") : existsSync(`${name}-LICENSE`) ? readFileSync(`${name}-LICENSE`, "utf8") : null;
  if (licence === null) throw new Error(`${name} has no licence text: add ${name}-LICENSE`);
  sections.push(`${name} ${entry.version} (${entry.license})\n\n${licence.trim()}\n`);
}
writeFileSync(out, "The twingraph query page bundles these packages from the npm registry (browser/package-lock.json).\n\n" + sections.join("\n" + "-".repeat(72) + "\n\n"));
