// A minimal Zeebe job worker on grpc-js, for the zeebe benchmark's baseline: one job stream, and long polls for what
// the stream is not pushed (jobs that waited before it opened, or that came while it was full: the broker pushes only to
// a ready stream, so every real client polls beside its stream). Each job is completed at once with no variables and no
// work, at most <maxJobsActive> in flight (the stream is paused while that many are open; a poll asks for the room left
// and is made again once 30 % of the room is free).
// Usage: node grpc-worker.cjs <zeebe.proto> <gateway host:port> <job type> <maxJobsActive>; prints "ready", exits when stdin closes.
const grpc = require('@grpc/grpc-js');
const loader = require('@grpc/proto-loader');
const [proto, address, type, maxJobs] = process.argv.slice(2);
const definition = loader.loadSync(proto, { keepCase: true, longs: String, enums: String, defaults: true });
const { Gateway } = grpc.loadPackageDefinition(definition).gateway_protocol;
const client = new Gateway(address, grpc.credentials.createInsecure());
const max = Number(maxJobs);
const threshold = Math.ceil(max * 0.3);
let active = 0;
let polling = false;
const stream = client.StreamActivatedJobs({ type, worker: 'grpc-minimal', timeout: 60000, fetchVariable: [] });

function handle(job) {
  active++;
  if (active >= max) stream.pause();
  client.CompleteJob({ jobKey: job.key, variables: '{}' }, () => {
    active--;
    if (active < max) stream.resume();
    poll();
  });
}

function poll() {
  if (polling || max - active < threshold) return;
  polling = true;
  const call = client.ActivateJobs({ type, worker: 'grpc-minimal', timeout: 60000, maxJobsToActivate: max - active, requestTimeout: 1000, fetchVariable: [] });
  call.on('data', response => response.jobs.forEach(handle));
  call.on('end', () => { polling = false; poll(); });
  call.on('error', () => { polling = false; setTimeout(poll, 100); });
}

stream.on('data', handle);
stream.on('error', () => {});
poll();
process.stdout.write('ready\n');
process.stdin.on('end', () => { stream.cancel(); client.close(); process.exit(0); });
process.stdin.resume();
