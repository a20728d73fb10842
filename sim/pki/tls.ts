// One TLS listener per named interface, on loopback. Each handshake serves what is bound to
// that interface at that moment (`ssl trust-point <tp> <if>`, else the bare default binding):
// the identity certificate and the trustpoint's CA certificates. With nothing usable bound
// (no binding, or the key is missing as after an RMA) it serves a temporary self-signed
// certificate, as an ASA does. The secure context is chosen per connection, synchronously,
// before the first byte is read: SNI cannot be relied on (clients connect to an IP address).
import { createHash } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import type { SimDevice } from '../device.js';
import { createSelfSignedIdentity } from './self-signed.js';
import type { TlsIdentity } from './state.js';

export interface TlsListeners {
  /** The listening port per interface nameif (also written to `device.interfaces[].tlsPort`). */
  readonly ports: Record<string, number>;
  /** Closes the listeners and every open TLS connection. */
  stop(): Promise<void>;
}

/** What the ASA's HTTPS server answers to any request: the WebVPN portal redirect. */
const HTTP_RESPONSE = 'HTTP/1.1 302 Object Moved\r\nLocation: /+CSCOE+/logon.html\r\nContent-Length: 0\r\nConnection: close\r\n\r\n';

function contextKey(identity: TlsIdentity): string {
  return createHash('sha256').update(identity.keyPem).update(identity.certPem).update(identity.chainPems.join('')).digest('hex');
}

function listen(server: net.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

/** Starts a listener for every interface of the device: on `iface.tlsPort` when set, else a free port. */
export async function startTlsListeners(device: SimDevice, options: { host?: string } = {}): Promise<TlsListeners> {
  const host = options.host ?? '127.0.0.1';
  // An EC key keeps device start-up fast; the real temporary certificate's key type is not documented.
  const temporary = await createSelfSignedIdentity(device.hostname, device.clock.now(), 'ec:p256');
  const fallback: TlsIdentity = { keyPem: temporary.keyPem, certPem: temporary.certPem, chainPems: [] };
  const contexts = new Map<string, tls.SecureContext>();
  const sockets = new Set<net.Socket>();
  const servers: net.Server[] = [];
  const ports: Record<string, number> = {};

  const contextFor = (nameif: string): tls.SecureContext => {
    const identity = device.pki.tlsIdentityFor(nameif) ?? fallback;
    const key = contextKey(identity);
    let context = contexts.get(key);
    if (!context) {
      context = tls.createSecureContext({ key: identity.keyPem, cert: [identity.certPem, ...identity.chainPems].join('') });
      contexts.set(key, context);
    }
    return context;
  };

  const accept = (socket: net.Socket, nameif: string): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let secure: tls.TLSSocket;
    try {
      secure = new tls.TLSSocket(socket, { isServer: true, secureContext: contextFor(nameif) });
    } catch (error) {
      process.stderr.write(`sim ${device.id}: TLS on ${nameif} failed: ${error instanceof Error ? error.message : String(error)}\n`);
      socket.destroy();
      return;
    }
    secure.on('error', () => socket.destroy());
    secure.once('data', () => secure.end(HTTP_RESPONSE));
  };

  try {
    for (const iface of device.interfaces) {
      const nameif = iface.nameif;
      const server = net.createServer((socket) => accept(socket, nameif));
      servers.push(server);
      iface.tlsPort = await listen(server, iface.tlsPort ?? 0, host);
      ports[nameif] = iface.tlsPort;
    }
  } catch (error) {
    for (const server of servers) server.close();
    throw error;
  }

  let stopped = false;
  return {
    ports,
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const socket of sockets) socket.destroy();
      await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    },
  };
}
