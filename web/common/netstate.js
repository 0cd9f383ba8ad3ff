// The visible side of the client's net state (api.js): a bar fixed to the
// bottom of the screen that says when the server is slow to answer, when a
// call is being tried again (and which attempt), and when it could not be
// reached, with a "try again" button (client.retryNow()). It stays out of the
// page's flow, so it never moves what the user is about to tap; while it shows,
// the page gets room at its bottom so nothing is hidden under it.
import { h } from './dom.js';

// Bilingual words of the staff pages; the resident page passes its own text(key).
const WORDS = {
  net_slow: '网络较慢，正在等待服务器… Slow network: waiting for the server…',
  net_retrying: '未收到服务器回应，正在重试（第 {n}/{of} 次）… No answer: trying again ({n} of {of})…',
  net_offline: '无法连接服务器，请检查网络。 Cannot reach the server: check the network.',
  net_retry: '重试 Try again',
};

// Mounts the bar for `client` once per page; returns it. text(key) gives the
// words (keys as in WORDS); relang, if given, is a set of callbacks the page
// runs after a language switch.
export function netBar(client, { text = (k) => WORDS[k], relang = null } = {}) {
  const existing = document.getElementById('net');
  if (existing) return existing;
  const msg = h('span', { class: 'net-msg' });
  const btn = h('button', { type: 'button', class: 'net-retry', id: 'net-retry', onclick: () => client.retryNow() }, text('net_retry'));
  const bar = h('div', { id: 'net', class: 'net', role: 'status', 'aria-live': 'polite', hidden: true }, msg, ' ', btn);
  let last = { state: 'ok' };
  function show(n) {
    last = n;
    const on = n.state !== 'ok';
    bar.hidden = !on;
    bar.dataset.state = n.state;
    document.documentElement.classList.toggle('net-shown', on);
    if (!on) return;
    msg.textContent = text(`net_${n.state}`).replace('{n}', n.attempt).replace('{of}', n.of);
    btn.textContent = text('net_retry');
    btn.hidden = n.state === 'slow';
  }
  client.onNet(show);
  if (relang) relang.add(() => show(last));
  document.body.append(bar);
  show(client.net);
  return bar;
}
