// The most-read list counts readers, not page loads: the page reports a read once
// the reader has stayed a few seconds or scrolled into the story.

const DWELL_MS = 5000;

/** Posts once to the story's `data-read-url` (empty on newsroom previews, which count nothing). */
export function initReadBeacon(root) {
  const story = root.querySelector("[data-story][data-read-url]");
  const url = story?.dataset.readUrl;
  const body = story?.querySelector("[data-story-body]");
  if (!url || !body) return;

  let timer;
  let sent = false;

  const startDwell = () => {
    if (timer === undefined && document.visibilityState === "visible") timer = setTimeout(send, DWELL_MS);
  };
  const stopDwell = () => {
    clearTimeout(timer);
    timer = undefined;
  };
  const onVisibility = () => (document.visibilityState === "visible" ? startDwell() : stopDwell());
  // Browsers fire scroll events once per frame at most, and this listener goes with the first read.
  const onScroll = () => {
    if (body.getBoundingClientRect().top < window.innerHeight / 2) send();
  };

  function send() {
    if (sent) return;
    sent = true;
    stopDwell();
    document.removeEventListener("visibilitychange", onVisibility);
    window.removeEventListener("scroll", onScroll);
    if (navigator.sendBeacon?.(url)) return;
    fetch(url, { method: "POST", keepalive: true, credentials: "same-origin" }).catch(() => {});
  }

  document.addEventListener("visibilitychange", onVisibility);
  window.addEventListener("scroll", onScroll, { passive: true });
  startDwell();
}
