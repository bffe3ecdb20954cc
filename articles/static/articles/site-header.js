// The header on phones: the search form opens from a button instead of taking a row of its own.
//
// Without this script the button stays hidden and a link to the search page holds its place. Wide
// screens show the form whatever the button's state (site.css), so nothing here changes them.

/** Turns the header's search link into a disclosure button for the search form. */
export function initSiteHeader(root) {
  const header = root.querySelector("[data-site-header]");
  const toggle = header?.querySelector("[data-search-toggle]");
  const form = toggle && root.getElementById(toggle.getAttribute("aria-controls"));
  if (!form) return;
  const link = header.querySelector("[data-search-link]");
  const field = form.querySelector("input[type=search]");

  const setOpen = (open) => {
    toggle.setAttribute("aria-expanded", String(open));
    header.toggleAttribute("data-search-open", open);
  };
  toggle.addEventListener("click", () => {
    const open = toggle.getAttribute("aria-expanded") !== "true";
    setOpen(open);
    if (open) field?.focus();
  });
  form.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || toggle.getAttribute("aria-expanded") !== "true") return;
    setOpen(false);
    toggle.focus();
  });
  toggle.hidden = false;
  if (link) link.hidden = true;
}
