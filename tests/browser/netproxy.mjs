// A TCP proxy on loopback in front of the test server, for the network at a
// gate: in "pass" mode it forwards both ways; in "hang" mode it still accepts
// connections and reads what the browser sends, but nothing reaches the server
// and nothing comes back (a network that connects but never answers). The
// browser talks to the proxy's port, so the origin (and the service worker's
// scope and caches) stays the same whichever mode is on.
import net from 'node:net';

// Returns {port, base, mode(m), close()} for a proxy to 127.0.0.1:targetPort.
export async function startProxy(targetPort) {
  let mode = 'pass';
  const socks = new Set();
  const server = net.createServer((client) => {
    socks.add(client);
    const hungAtStart = mode === 'hang';
    const upstream = hungAtStart ? null : net.connect(targetPort, '127.0.0.1');
    if (upstream) {
      socks.add(upstream);
      upstream.on('data', (d) => { if (mode === 'pass') client.write(d); });
      upstream.on('error', () => client.destroy());
      upstream.on('close', () => { socks.delete(upstream); if (mode === 'pass') client.end(); });
    }
    client.on('data', (d) => { if (upstream && mode === 'pass') upstream.write(d); });
    client.on('error', () => { if (upstream) upstream.destroy(); });
    client.on('close', () => { socks.delete(client); if (upstream) upstream.destroy(); });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  return {
    port,
    base: `http://127.0.0.1:${port}`,
    // 'pass' or 'hang'. Connections opened while hanging stay dead afterwards.
    mode(m) { mode = m; },
    async close() {
      for (const s of socks) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}
