// Runs Camunda's own REST client (npm @camunda8/orchestration-cluster-api) against a REST address given as the
// first argument: searches the latest process definitions and reads each one's XML, printing one JSON line each.
import { createRequire } from 'node:module';
const require = createRequire(process.argv[3] + '/');
const { createCamundaClient } = require('@camunda8/orchestration-cluster-api');

const client = createCamundaClient({ config: { CAMUNDA_REST_ADDRESS: process.argv[2], CAMUNDA_AUTH_STRATEGY: 'NONE' } });
const now = { consistency: { waitUpToMs: 0 } };
const found = await client.searchProcessDefinitions({ filter: { isLatestVersion: true }, page: { from: 0, limit: 100 } }, now);
for (const item of found.items) {
  const xml = await client.getProcessDefinitionXml({ processDefinitionKey: item.processDefinitionKey }, now);
  console.log(JSON.stringify({ key: String(item.processDefinitionKey), id: item.processDefinitionId, version: item.version, xml }));
}
