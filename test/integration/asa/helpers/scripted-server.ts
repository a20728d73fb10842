// A plain ssh2 server whose shell follows a script: for dialogs the simulator does not have
// (unexpected questions, silent devices). Host key generated at test time.
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import { Server, utils, type ServerChannel } from 'ssh2';
import { sshFingerprint } from '../../../../src/asa/ssh-connect.js';

export interface ScriptedServer {
  port: number;
  hostKeySha256: string;
  /** Every line the client typed, in order (shell input split on line ends). */
  received: string[];
  connections: number;
  close(): Promise<void>;
}

/** `onLine` answers each typed line with text to write (the echo is written first by the server). */
export async function startScriptedServer(options: {
  banner: string;
  onLine: (line: string, write: (text: string) => void, channel: ServerChannel) => void;
  password?: string;
  /** Only keyboard-interactive authentication, with this prompt (as some AAA setups do). */
  keyboardInteractivePrompt?: string;
  /** What the device echoes for a typed line (default: the line itself). */
  echo?: (line: string) => string;
}): Promise<ScriptedServer> {
  // ECDSA P-256, not ed25519: ssh2's ed25519 keygen strips leading zero bytes of the public key,
  // so about 1 key in 256 fails parseKey ("Malformed OpenSSH public key", mscdex/ssh2#1390, #1513).
  const keys = utils.generateKeyPairSync('ecdsa', { bits: 256 });
  const parsed = utils.parseKey(keys.public);
  if (parsed instanceof Error) throw parsed;
  const state = { received: [] as string[], connections: 0 };
  const clients = new Set<{ end(): void }>();
  const server = new Server({ hostKeys: [keys.private] }, (client) => {
    state.connections++;
    clients.add(client);
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => {
      const expected = options.password ?? 'pw';
      if (options.keyboardInteractivePrompt !== undefined) {
        if (ctx.method !== 'keyboard-interactive') return ctx.reject(['keyboard-interactive']);
        ctx.prompt([{ prompt: options.keyboardInteractivePrompt, echo: false }], (answers) => (answers[0] === expected ? ctx.accept() : ctx.reject(['keyboard-interactive'])));
        return;
      }
      if (ctx.method === 'password' && ctx.password === expected) ctx.accept();
      else ctx.reject(['password']);
    });
    client.on('ready', () => {
      client.on('session', (accept) => {
        const session = accept();
        session.on('pty', (acceptPty) => acceptPty?.());
        session.on('shell', (acceptShell) => {
          const channel = acceptShell();
          const write = (text: string) => channel.write(text.replace(/\n/g, '\r\n'));
          write(options.banner);
          let buffer = '';
          channel.on('data', (data: Buffer) => {
            buffer += data.toString('utf8');
            let index;
            while ((index = buffer.search(/[\r\n]/)) >= 0) {
              const line = buffer.slice(0, index);
              buffer = buffer.slice(index + 1).replace(/^\n/, '');
              state.received.push(line);
              write(`${options.echo ? options.echo(line) : line}\n`);
              options.onLine(line, write, channel);
            }
          });
        });
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    hostKeySha256: sshFingerprint(parsed.getPublicSSH()),
    get received() {
      return state.received;
    },
    get connections() {
      return state.connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of clients) client.end();
        server.close(() => resolve());
      }),
  };
}

/** A TCP server that accepts connections and never says anything (no SSH banner). */
export async function startSilentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: NetServer = createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
