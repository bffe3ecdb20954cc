// The comment edit page's "You can edit for N more seconds", counted down in place; once the time is up it
// says that a save keeps the text for posting as a new comment. Without this script the sentence is the one
// the server wrote. The count starts from the server's number of seconds, not from the reader's clock.
export function initEditWindow(root) {
  for (const notice of root.querySelectorAll("[data-edit-window]")) countDown(notice);
}

function countDown(notice) {
  const text = notice.querySelector("[data-edit-window-text]");
  const endsAt = performance.now() + Number(notice.dataset.secondsLeft) * 1000;
  const plural = new Intl.PluralRules(document.documentElement.lang || undefined);
  const tick = () => {
    const left = Math.ceil((endsAt - performance.now()) / 1000);
    if (left <= 0) {
      text.textContent = notice.dataset.closed;
      notice.classList.add("edit-window--closed");
      return;
    }
    const sentence = plural.select(left) === "one" ? notice.dataset.one : notice.dataset.other;
    text.textContent = sentence.replace("{seconds}", String(left));
    // Wake up as the next whole second goes, whatever the timer's drift.
    setTimeout(tick, ((endsAt - performance.now()) % 1000) + 5);
  };
  tick();
}
