// deploy/nginx.conf, run by the tests: nginx as this user with a temporary
// prefix, on a free loopback port, in front of a server on `upstreamPort`.
// Only the user, the file paths, the port, the web root and the upstream are
// rewritten; each rewritten line must exist exactly once in the shipped file,
// so the tests run the configuration that ships.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { root, rawGet, freePort, tempDir } from './lib.mjs';

export const nginxBin = [process.env.NGINX, '/usr/sbin/nginx', '/usr/bin/nginx'].filter(Boolean).find((p) => existsSync(p));

// ANKANG_NGINX_CONF: another file with the same rewritable lines (to show a
// test fails against an older configuration).
export function nginxConfig({ prefix, port, upstreamPort, web }) {
  let conf = readFileSync(process.env.ANKANG_NGINX_CONF || join(root, 'deploy', 'nginx.conf'), 'utf8');
  const rewrite = (re, to) => {
    const n = (conf.match(new RegExp(re.source, 'gm')) || []).length;
    assert.equal(n, 1, `deploy/nginx.conf: expected one ${re}`);
    conf = conf.replace(new RegExp(re.source, 'm'), to);
  };
  // Workers as this user (root in a container: nginx wants it said).
  rewrite(/^user www-data;$/, process.getuid && process.getuid() === 0 ? 'user root;' : '');
  rewrite(/^pid \/run\/nginx\.pid;$/, `pid ${prefix}/nginx.pid;`);
  rewrite(/^error_log \/var\/log\/nginx\/error\.log warn;$/, `error_log ${prefix}/error.log warn;`);
  rewrite(/^    access_log \/var\/log\/nginx\/access\.log;$/, [`    access_log ${prefix}/access.log;`,
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `    ${t}_temp_path ${prefix}/${t}_temp;`)].join('\n'));
  rewrite(/^        listen 80 default_server;$/, `        listen 127.0.0.1:${port};`);
  rewrite(/^        root \/srv\/ankang\/web\/dist;$/, `        root ${web};`);
  rewrite(/^        server 127\.0\.0\.1:8080 (.*);$/, `        server 127.0.0.1:${upstreamPort} $1;`);
  return conf;
}

// Starts nginx; resolves once it answers /healthz. Returns {port, prefix, log(), stop()}.
export async function startNginx({ upstreamPort, web }) {
  const prefix = tempDir('ankang-nginx-');
  chmodSync(prefix, 0o755);
  const port = await freePort();
  const confPath = join(prefix, 'nginx.conf');
  writeFileSync(confPath, nginxConfig({ prefix, port, upstreamPort, web }));
  const check = spawnSync(nginxBin, ['-t', '-p', prefix, '-c', confPath, '-g', 'daemon off;'], { encoding: 'utf8' });
  assert.equal(check.status, 0, `nginx -t: ${check.stderr}`);
  const proc = spawn(nginxBin, ['-p', prefix, '-c', confPath, '-g', 'daemon off;'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stderr.on('data', (d) => { log += d; });
  for (let i = 0; ; i++) {
    if (proc.exitCode !== null) throw new Error(`nginx exited: ${log}`);
    try {
      if ((await rawGet(port, '/healthz')).status === 200) break;
    } catch { /* not yet */ }
    if (i > 100) throw new Error(`nginx did not answer: ${log}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    prefix,
    log: () => log + (existsSync(join(prefix, 'error.log')) ? readFileSync(join(prefix, 'error.log'), 'utf8') : ''),
    async stop() {
      if (proc.exitCode === null) {
        const gone = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGQUIT');
        const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
        await gone;
        clearTimeout(timer);
      }
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}
