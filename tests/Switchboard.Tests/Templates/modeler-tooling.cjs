// Camunda's own Modeler tooling, run for a .NET test.
//   validate <validator package> <template.json>...   the Modeler's element-template validator; prints {file: [errors]}
//   lint <linting bundle> <diagram.bpmn>...            @camunda/linting for the version each diagram declares; prints {file: [errors]}
const fs = require('fs');
const [mode, tool, ...files] = process.argv.slice(2);
(async () => {
  const results = {};
  if (mode === 'validate') {
    const { validateZeebe } = require(tool);
    for (const file of files) {
      const result = validateZeebe(JSON.parse(fs.readFileSync(file, 'utf8')));
      results[file] = result.valid ? [] : result.errors.map(e => `${e.instancePath} ${e.message}`);
    }
  } else if (mode === 'lint') {
    const { Linter } = require(tool);
    for (const file of files) {
      const xml = fs.readFileSync(file, 'utf8');
      const version = /executionPlatformVersion="([^"]+)"/.exec(xml)[1];
      const linter = new Linter({ type: 'cloud', executionPlatform: 'Camunda Cloud', executionPlatformVersion: version });
      const reports = await linter.lint(xml);
      results[file] = reports.filter(r => r.category === 'error').map(r => `${r.id}: ${r.message} (${r.rule})`);
    }
  } else {
    throw new Error('unknown mode ' + mode);
  }
  console.log(JSON.stringify(results));
})().catch(error => { console.error(error); process.exit(1); });
