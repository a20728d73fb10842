// The SSH side of a simulated ASA (ssh2 Server): password and keyboard-interactive auth,
// the algorithm set of a current or an old ASA, a shell channel per CLI session. `exec`
// requests are refused, as an ASA does not run remote commands.
import net from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import ssh2 from 'ssh2';
import type { Algorithms, AuthContext, AuthenticationType, Connection, ParsedKey, ServerChannel } from 'ssh2';
import { CliSession, loginBanner } from './cli/session.js';
import { sshFingerprint } from '../src/asa/ssh-connect.js';
import { generateHostKeyPem, type Profile, type SimDevice } from './device.js';

const { Server, utils } = ssh2;

/** What an ASA 9.x offers (`ssh key-exchange group dh-group14-sha256`, `ssh cipher encryption high`). */
const CURRENT_ALGORITHMS: Algorithms = {
  kex: ['curve25519-sha256', 'curve25519-sha256@libssh.org', 'ecdh-sha2-nistp256', 'diffie-hellman-group14-sha256'],
  serverHostKey: ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
  cipher: ['aes256-gcm@openssh.com', 'aes128-gcm@openssh.com', 'aes256-ctr', 'aes192-ctr', 'aes128-ctr'],
  hmac: ['hmac-sha2-256', 'hmac-sha2-512'],
  compress: ['none'],
};

/** An old release: SHA-1 key exchange and MACs, CBC ciphers, ssh-rsa only. */
const OLD_ASA_ALGORITHMS: Algorithms = {
  kex: ['diffie-hellman-group14-sha1'],
  serverHostKey: ['ssh-rsa'],
  cipher: ['aes128-cbc', 'aes256-cbc'],
  hmac: ['hmac-sha1'],
  compress: ['none'],
};

export function algorithmsFor(profile: Profile): Algorithms {
  return profile === 'old-asa' ? OLD_ASA_ALGORITHMS : CURRENT_ALGORITHMS;
}

/** `SHA256:` + unpadded base64 of the SHA-256 of the public key blob, as `ssh-keygen -lf` prints it. */
export function hostKeyFingerprint(privateKeyPem: string): string {
  return sshFingerprint(parseHostKey(privateKeyPem).getPublicSSH());
}

/** The public key line (`ssh-rsa AAAA...`) for a known_hosts or authorized_keys file. */
export function hostKeyPublicLine(privateKeyPem: string): string {
  const parsed = parseHostKey(privateKeyPem);
  return `${parsed.type} ${parsed.getPublicSSH().toString('base64')}`;
}

function parseHostKey(privateKeyPem: string): ParsedKey {
  const key = utils.parseKey(privateKeyPem);
  if (key instanceof Error) throw key;
  return Array.isArray(key) ? (key[0] as ParsedKey) : key;
}

export interface SshServerHandle {
  readonly host: string;
  readonly port: number;
  readonly hostKeySha256: string;
  /** Ends every connection and stops listening. */
  close(): Promise<void>;
}

export async function startSshServer(device: SimDevice, options: { host?: string; port?: number } = {}): Promise<SshServerHandle> {
  const host = options.host ?? '127.0.0.1';
  const sockets = new Set<net.Socket>();
  const makeServer = (hostKeyPem: string): InstanceType<typeof Server> =>
    new Server({ hostKeys: [hostKeyPem], algorithms: algorithmsFor(device.profile), ident: 'Cisco-1.25' }, (client) => handleClient(device, client));
  const regular = makeServer(device.hostKeyPem);
  let impostor: Promise<InstanceType<typeof Server>> | undefined;

  const listener = net.createServer((socket) => {
    // An ASA answers each pasted line at once; Nagle would hold every echo back ~40 ms.
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    if (!device.faults.hostKeyChanged) {
      regular.injectSocket(socket);
      return;
    }
    // A different host key than the persisted one, generated on first use.
    impostor ??= generateHostKeyPem().then(makeServer);
    impostor.then(
      (server) => (socket.destroyed ? undefined : server.injectSocket(socket)),
      () => socket.destroy(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(options.port ?? 0, host, () => resolve());
  });
  const address = listener.address() as net.AddressInfo;
  return {
    host,
    port: address.port,
    hostKeySha256: hostKeyFingerprint(device.hostKeyPem),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        listener.close(() => resolve());
      }),
  };
}

function handleClient(device: SimDevice, client: Connection): void {
  const remote = (client as unknown as { _sock?: net.Socket })._sock?.remoteAddress ?? '127.0.0.1';
  let username = '';
  let failedBefore = 0;
  client.on('error', () => undefined);
  client.on('authentication', (ctx: AuthContext) => {
    const methods: AuthenticationType[] = ['password', 'keyboard-interactive'];
    const check = (password: string): void => {
      const ok = !device.faults.refuseAuth && ctx.username === device.credentials.username && password === device.credentials.password;
      if (ok) {
        username = ctx.username;
        ctx.accept();
      } else {
        device.failedLoginsSinceLast++;
        ctx.reject(methods);
      }
    };
    if (ctx.method === 'password') check(ctx.password);
    else if (ctx.method === 'keyboard-interactive') ctx.prompt([{ prompt: 'Password: ', echo: false }], (answers) => check(answers[0] ?? ''));
    else ctx.reject(methods);
  });
  client.on('ready', () => {
    failedBefore = device.failedLoginsSinceLast;
    device.failedLoginsSinceLast = 0;
    device.logins.push({ at: device.clock.now(), from: remote });
    const stopReloadWatch = device.onReload(() => client.end());
    client.on('close', stopReloadWatch);
    client.on('session', (accept) => {
      const session = accept();
      session.on('pty', (acceptPty) => acceptPty?.());
      session.on('window-change', (acceptWc) => acceptWc?.());
      session.on('env', (acceptEnv) => acceptEnv?.());
      session.on('exec', (_accept, reject) => reject?.());
      session.on('subsystem', (_accept, reject) => reject?.());
      session.on('sftp', (_accept, reject) => reject?.());
      session.on('shell', (acceptShell) => {
        const channel = acceptShell();
        runShell(device, client, channel, username, failedBefore);
      });
    });
  });
}

function runShell(device: SimDevice, client: Connection, channel: ServerChannel, username: string, failedBefore: number): void {
  const decoder = new StringDecoder('utf8');
  const socket = (client as unknown as { _sock?: net.Socket })._sock;
  const cli = new CliSession(
    device,
    {
      write: (text) => {
        if (!channel.destroyed && channel.writable) channel.write(text);
      },
      close: () => {
        if (!channel.destroyed) {
          channel.exit(0);
          channel.end();
        }
        // Disconnect once the client has closed its side of the channel: a disconnect sent right
        // away can make OpenSSH exit before it has written the last output. Fallback after 2 s.
        const disconnect = (): void => void client.end();
        const fallback = setTimeout(disconnect, 2000);
        channel.once('close', () => {
          clearTimeout(fallback);
          setTimeout(disconnect, 100);
        });
      },
      drop: () => {
        if (!socket) return void client.end();
        // Let what is already queued (the echo, the output of an 'after' drop) leave first.
        if (socket.writableLength === 0) socket.destroy();
        else socket.once('drain', () => socket.destroy());
      },
    },
    username,
  );
  channel.on('data', (data: Buffer) => cli.feed(decoder.write(data)));
  channel.on('close', () => cli.close());
  channel.on('error', () => cli.close());
  void cli.run(loginBanner(device, username, failedBefore));
}
