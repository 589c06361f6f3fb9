// A minimal Zeebe job worker on grpc-js, for the zeebe benchmark's baseline: one job stream, each job completed at once
// with no variables and no work, at most <maxJobsActive> in flight (the stream is paused while that many are open).
// Usage: node grpc-worker.cjs <zeebe.proto> <gateway host:port> <job type> <maxJobsActive>; prints "ready", exits when stdin closes.
const grpc = require('@grpc/grpc-js');
const loader = require('@grpc/proto-loader');
const [proto, address, type, maxJobs] = process.argv.slice(2);
const definition = loader.loadSync(proto, { keepCase: true, longs: String, enums: String, defaults: true });
const { Gateway } = grpc.loadPackageDefinition(definition).gateway_protocol;
const client = new Gateway(address, grpc.credentials.createInsecure());
const max = Number(maxJobs);
let active = 0;
const stream = client.StreamActivatedJobs({ type, worker: 'grpc-minimal', timeout: 60000, fetchVariable: [] });
stream.on('data', job => {
  active++;
  if (active >= max) stream.pause();
  client.CompleteJob({ jobKey: job.key, variables: '{}' }, () => {
    active--;
    if (active < max) stream.resume();
  });
});
stream.on('error', () => {});
process.stdout.write('ready\n');
process.stdin.on('end', () => { stream.cancel(); client.close(); process.exit(0); });
process.stdin.resume();
