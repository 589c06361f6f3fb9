// The Node SDK's own job worker (@camunda8/sdk), completing the same calculator jobs, for the zeebe benchmark.
// Usage: node node-worker.cjs <gateway host:port> <job type> <maxJobsToActivate>; prints "ready", exits when stdin closes.
const { Camunda8 } = require('@camunda8/sdk');
const [address, type, maxJobs] = process.argv.slice(2);
const c8 = new Camunda8({
  ZEEBE_GRPC_ADDRESS: 'grpc://' + address,
  CAMUNDA_AUTH_STRATEGY: 'NONE',
  zeebeGrpcSettings: { ZEEBE_CLIENT_LOG_LEVEL: 'NONE' },
});
const zeebe = c8.getZeebeGrpcApiClient();
zeebe.createWorker({
  taskType: type,
  maxJobsToActivate: Number(maxJobs),
  pollInterval: 10,
  timeout: 60000,
  taskHandler: job => job.complete({ r: { result: job.variables.a + job.variables.b, action: job.variables.action } }),
});
process.stdout.write('ready\n');
process.stdin.on('end', () => zeebe.close().then(() => process.exit(0)));
process.stdin.resume();
