// 상태바: once the story's header has scrolled away, a bar pinned to the top of
// the window shows the headline and how far the reader is through the story.

/** Shows `[data-status-bar]` while the story header is above the window, and keeps its progress bar current. */
export function initStatusBar(root) {
  const bar = root.querySelector("[data-status-bar]");
  const story = root.querySelector("[data-story]");
  const header = story?.querySelector(":scope > header");
  const body = story?.querySelector("[data-story-body]");
  if (!bar || !header || !body || !("IntersectionObserver" in window)) return;

  const progress = readingProgress(bar, body);
  new IntersectionObserver(([entry]) => {
    // Scrolled past means above the window; out of view below it (never, in practice) is not.
    const scrolledPast = !entry.isIntersecting && entry.boundingClientRect.bottom <= 0;
    bar.hidden = !scrolledPast;
    if (scrolledPast) progress.update();
  }).observe(header);

  window.addEventListener("scroll", progress.schedule, { passive: true });
  window.addEventListener("resize", progress.schedule, { passive: true });
  progress.schedule();
}

/** The progress bar's updater: one layout read per animation frame, writes only when the value changes. */
function readingProgress(bar, body) {
  const meter = bar.querySelector('[role="progressbar"]');
  const fill = meter?.querySelector("span");
  let shown = -1;
  let pending = false;

  function update() {
    pending = false;
    if (!meter) return;
    const percent = Math.round(readShare(body) * 100);
    if (percent === shown) return;
    shown = percent;
    meter.setAttribute("aria-valuenow", String(percent));
    fill?.style.setProperty("--progress", String(percent / 100));
  }

  function schedule() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(update);
  }

  return { update, schedule };
}

/** 0 while the body's top is still in view, 1 once its end has come into view. */
function readShare(body) {
  const { top, bottom, height } = body.getBoundingClientRect();
  const travel = height - window.innerHeight;
  if (travel <= 0) return bottom <= window.innerHeight ? 1 : 0;
  return Math.min(Math.max(-top / travel, 0), 1);
}
