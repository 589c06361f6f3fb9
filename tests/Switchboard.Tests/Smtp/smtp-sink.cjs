// A real SMTP server on loopback for the SMTP connector's tests, built on npm's smtp-server.
// Prints one JSON line per event to stdout: {"listening":port}, {"auth","method"} per login attempt, then {"from","to","raw"} per accepted message.
// Recipients whose address starts with "reject" get 550, "later" gets 451; credentials must be mailer / the password in argv[2].
const { SMTPServer } = require('smtp-server');

const password = process.argv[2];
const server = new SMTPServer({
  disabledCommands: ['STARTTLS'],
  allowInsecureAuth: true,
  authOptional: true,
  logger: false,
  onAuth(auth, session, callback) {
    process.stdout.write(JSON.stringify({ auth: auth.username, method: auth.method }) + '\n');
    if (auth.username === 'mailer' && auth.password === password) return callback(null, { user: auth.username });
    return callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
  },
  onRcptTo(address, session, callback) {
    if (address.address.startsWith('reject')) return callback(Object.assign(new Error('No such user here'), { responseCode: 550 }));
    if (address.address.startsWith('later')) return callback(Object.assign(new Error('Mailbox busy, try later'), { responseCode: 451 }));
    return callback();
  },
  onData(stream, session, callback) {
    const chunks = [];
    stream.on('data', chunk => chunks.push(chunk));
    stream.on('end', () => {
      const message = {
        from: session.envelope.mailFrom.address,
        to: session.envelope.rcptTo.map(r => r.address),
        user: session.user ?? null,
        raw: Buffer.concat(chunks).toString('utf8'),
      };
      process.stdout.write(JSON.stringify(message) + '\n');
      callback(null, 'queued as switchboard-test');
    });
  },
});
server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ listening: server.server.address().port }) + '\n'));
process.stdin.on('end', () => server.close(() => process.exit(0)));
process.stdin.resume();
