// Bundles modeler-page.mjs for the browser with esbuild, resolving its imports from the npm folder the test installed.
// argv: <folder holding node_modules> <esbuild package folder> <modeler-page.mjs> <output file>
import { createRequire } from "node:module";
import fs from "node:fs";

const [modules, esbuildPackage, pageEntry, output] = process.argv.slice(2);
const esbuild = createRequire(import.meta.url)(esbuildPackage);

// The page needs two functions the properties panel uses and the package keeps internal: setting a field's value,
// and which fields show under their conditions. Exported here from the pinned version's core file, unchanged.
const exposeFieldFunctions = {
  name: "expose-field-functions",
  setup(build) {
    build.onLoad({ filter: /bpmn-js-element-templates[\\/]dist[\\/]core\.esm\.js$/ }, args => ({
      contents: fs.readFileSync(args.path, "utf8") + "\nexport { setPropertyValue, applyConditions };\n",
      loader: "js",
    }));
  },
};

await esbuild.build({
  stdin: { contents: fs.readFileSync(pageEntry, "utf8"), resolveDir: modules, loader: "js" },
  bundle: true, format: "iife", platform: "browser", logLevel: "error", plugins: [exposeFieldFunctions], outfile: output,
});
