// The comment area: a live "N / 400" counter, the irreversible-delete question,
// and "more comments" loaded in place. Without this script the counter shows
// what the server counted, delete goes through a confirmation page, and "more"
// opens a page of older comments.
import { commentLength } from "./comment-text.js";

export function initComments(root) {
  for (const form of root.querySelectorAll("[data-comment-form]")) watchCounter(form);
  root.addEventListener("click", (event) => {
    // A middle or modified click opens the link's own page in a new tab, as links do.
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const remove = event.target.closest("[data-confirm-delete]");
    if (remove) confirmDelete(event, remove);
    const more = event.target.closest("[data-more-comments]");
    if (more) loadMore(event, more);
  });
}

function watchCounter(form) {
  const box = form.querySelector("[data-comment-body]");
  const counter = form.querySelector("[data-comment-counter]");
  const count = counter?.querySelector("[data-comment-count]");
  if (!box || !count) return;
  const limit = Number(counter.dataset.limit);
  const update = () => {
    const length = commentLength(box.value);
    count.textContent = String(length);
    counter.classList.toggle("comment-form__counter--over", length > limit);
  };
  box.addEventListener("input", update);
  update();
}

function csrfToken() {
  const cookie = document.cookie.split("; ").find((entry) => entry.startsWith("csrftoken="));
  return cookie ? decodeURIComponent(cookie.slice("csrftoken=".length)) : "";
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
