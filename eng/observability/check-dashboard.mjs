// Type-checks Grafana dashboard JSON files against Grafana's own dashboard model (the `Dashboard` type of @grafana/schema,
// generated from Grafana's CUE schema) with the TypeScript compiler: a missing required field, a field of the wrong type
// or a field the model does not have (excess property check) is an error. Prints the errors; exits 1 when any.
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const here = dirname(fileURLToPath(import.meta.url));
const folder = mkdtempSync(join(tmpdir(), "goldenpath-dashboard-"));
const sources = process.argv.slice(2).map((file, i) => {
  const json = JSON.stringify(JSON.parse(readFileSync(file, "utf8")), null, 2);
  const source = join(folder, `dashboard${i}.ts`);
  writeFileSync(source, `import type { Dashboard } from "@grafana/schema";\nexport const dashboard: Dashboard = ${json};\n`);
  return { file, source };
});
const program = ts.createProgram(sources.map((s) => s.source), {
  strict: true, noEmit: true, skipLibCheck: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
  target: ts.ScriptTarget.ES2022, typeRoots: [], baseUrl: here, paths: { "@grafana/schema": [join(here, "node_modules/@grafana/schema/dist/types/index.d.ts")] },
});
const diagnostics = sources.flatMap((s) => ts.getPreEmitDiagnostics(program, program.getSourceFile(s.source)).map((d) => ({ file: s.file, d })));
for (const { file, d } of diagnostics) {
  const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : null;
  console.log(`${file}${where ? `(${where.line},${where.character + 1})` : ""}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
}
if (diagnostics.length === 0) console.log(`${sources.length} dashboard(s) match Grafana's Dashboard model`);
process.exit(diagnostics.length > 0 ? 1 : 0);
