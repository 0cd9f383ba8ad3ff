// The wait before a one-time code may be asked for again (the server allows
// one a minute per number): the button stays disabled and counts down.
export const RESEND_SECONDS = 60;

// Disables `button` for `seconds`, showing show(button, secondsLeft) each
// second and show(button, 0) at the end, when it is enabled again. Returns a
// function that ends the wait at once.
export function countdown(button, seconds, show) {
  const end = Date.now() + seconds * 1000;
  button.disabled = true;
  let timer = 0;
  const tick = () => {
    const left = Math.ceil((end - Date.now()) / 1000);
    if (left <= 0 || !button.isConnected) return stop();
    show(button, left);
    timer = setTimeout(tick, Math.min(1000, end - Date.now()));
  };
  function stop() {
    clearTimeout(timer);
    button.disabled = false;
    show(button, 0);
  }
  tick();
  return stop;
}

// Seconds to wait from a 429 answer's Retry-After (default RESEND_SECONDS).
export function retryAfter(res) {
  const v = res && res.headers && res.headers.get && Number(res.headers.get('Retry-After'));
  return v > 0 && v <= 3600 ? v : RESEND_SECONDS;
}
