// The comment area: live "N / 400" counters, the irreversible-delete question,
// "more comments" loaded in place, 추천 without leaving the page, and replies
// opened where a link points, replies posted in place, "3분 전" kept current.
// Without this script the counters state the limit (or what the server counted),
// delete goes through a confirmation page, "more" opens a page of further
// comments, 추천 posts a form that comes back to the comment, and a reply posts
// a form that comes back to the story at the new reply.
import { commentLength } from "./comment-text.js";

export function initComments(root) {
  for (const box of root.querySelectorAll("[data-comment-body]")) updateCounter(box);
  root.addEventListener("input", (event) => {
    if (event.target.matches("[data-comment-body]")) updateCounter(event.target);
  });
  root.addEventListener("click", (event) => {
    // A middle or modified click opens the link's own page in a new tab, as links do.
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const remove = event.target.closest("[data-confirm-delete]");
    if (remove) confirmDelete(event, remove);
    const more = event.target.closest("[data-more-comments]");
    if (more) loadMore(event, more);
  });
  root.addEventListener("submit", (event) => {
    const form = event.target.closest("[data-recommend]");
    if (form) recommend(event, form);
    const reply = event.target.closest("[data-reply-in-place]");
    if (reply) replyInPlace(event, reply);
  });
  refreshTimes(root);
  window.setInterval(() => refreshTimes(root), 60000);
  // A reply (#comment-N) or a reply box (#reply-form-N) sits in a closed "Replies" box: open it first.
  const reveal = () => revealTarget(root);
  window.addEventListener("hashchange", reveal);
  reveal();
}

function updateCounter(box) {
  // Without this script the counter states the limit ("최대 400자"); here it counts as the reader types.
  const counter = box.form?.querySelector("[data-comment-counter]");
  if (!counter) return;
  const length = commentLength(box.value);
  counter.textContent = `${length} / ${counter.dataset.limit}`;
  counter.classList.toggle("comment-form__counter--over", length > Number(counter.dataset.limit));
}

// "3분 전" as the server wrote it may be minutes old (anonymous readers' pages are kept): count again, and every minute.
function refreshTimes(root) {
  const language = document.documentElement.lang || "ko";
  const relative = new Intl.RelativeTimeFormat(language, { numeric: "always" });
  for (const time of root.querySelectorAll("time[data-time-ago]")) {
    const minutes = Math.floor((Date.now() - Date.parse(time.dateTime)) / 60000);
    if (minutes < 1) continue; // "방금 전" stays as the server said it
    if (minutes < 60) time.textContent = relative.format(-minutes, "minute");
    else if (minutes < 24 * 60) time.textContent = relative.format(-Math.floor(minutes / 60), "hour");
  }
}

// A reply posted from the story page appears under its thread without leaving the story; its errors show in the
// form, the text kept. When the server answers with a page (signed out meanwhile, the thread deleted), the form
// posts as it would without this script and the server's page explains.
async function replyInPlace(event, form) {
  event.preventDefault();
  const button = form.querySelector('button[type="submit"]');
  const errors = form.querySelector("[data-reply-errors]");
  const status = form.querySelector("[data-reply-status]");
  const box = form.querySelector("[data-comment-body]");
  button.disabled = true;
  let answer;
  let response;
  try {
    response = await fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
      credentials: "same-origin",
    });
    if (!(response.headers.get("Content-Type") || "").includes("application/json")) throw new Error("a page");
    answer = await response.json();
  } catch {
    button.disabled = false;
    HTMLFormElement.prototype.submit.call(form);
    return;
  }
  button.disabled = false;
  errors.replaceChildren();
  if (!response.ok) {
    const list = document.createElement("ul");
    list.className = "errorlist";
    for (const message of answer.errors) list.append(Object.assign(document.createElement("li"), { textContent: message }));
    errors.append(list);
    box.setAttribute("aria-invalid", "true");
    box.focus();
    return;
  }
  const replies = form.closest("[data-replies]");
  let list = replies.querySelector(".replies__list");
  if (!list) {
    list = Object.assign(document.createElement("ol"), { className: "replies__list" });
    form.before(list);
  }
  const reply = new DOMParser().parseFromString(answer.html, "text/html").body.firstElementChild;
  list.append(reply);
  replies.querySelector(".replies__toggle").textContent = answer.replies;
  box.value = "";
  box.removeAttribute("aria-invalid");
  updateCounter(box);
  status.textContent = answer.message;
}

function revealTarget(root) {
  const id = decodeURIComponent(window.location.hash.slice(1));
  const target = id && root.getElementById(id);
  if (!target) return;
  for (let box = target.closest("details"); box; box = box.parentElement.closest("details")) box.open = true;
  if (target.matches("form")) target.querySelector("textarea")?.focus();
  else target.scrollIntoView();
}

async function recommend(event, form) {
  event.preventDefault();
  const button = form.querySelector("button");
  button.disabled = true;
  try {
    const response = await fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    const answer = await response.json();
    if (!response.ok) {
      window.alert(answer.error);
      return;
    }
    // The same comment may be on the page twice: among the BEST and in the list.
    for (const copy of document.querySelectorAll(`[data-recommend][data-comment="${form.dataset.comment}"]`)) {
      copy.querySelector("[data-recommend-count]").textContent = String(answer.count);
      copy.querySelector("button").setAttribute("aria-pressed", String(answer.recommended));
      copy.querySelector('[name="recommended"]').value = answer.recommended ? "0" : "1";
    }
  } catch {
    form.submit(); // let the server answer with a page instead
  } finally {
    button.disabled = false;
  }
}

function csrfToken() {
  return document.querySelector('meta[name="csrf-token"]')?.content ?? "";
}

function confirmDelete(event, link) {
  event.preventDefault();
  if (!window.confirm(link.dataset.confirmDelete)) return;
  const form = document.createElement("form");
  form.method = "post";
  form.action = link.href;
  const token = document.createElement("input");
  token.type = "hidden";
  token.name = "csrfmiddlewaretoken";
  token.value = csrfToken();
  form.append(token);
  document.body.append(form);
  form.submit();
}

async function loadMore(event, link) {
  event.preventDefault();
  const url = new URL(link.href);
  url.searchParams.set("fragment", "1");
  link.setAttribute("aria-busy", "true");
  try {
    const response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const fragment = new DOMParser().parseFromString(await response.text(), "text/html");
    const list = link.closest("section, main").querySelector("[data-comment-list]");
    const added = [...fragment.querySelectorAll("[data-comment-list] > li")];
    list.append(...added);
    const next = fragment.querySelector("[data-more-comments-container]");
    const container = link.closest("[data-more-comments-container]");
    if (next) container.replaceWith(next);
    else container.remove();
    added[0]?.setAttribute("tabindex", "-1");
    added[0]?.focus();
  } catch {
    window.location.href = link.href; // fall back to the page of older comments
  }
}
