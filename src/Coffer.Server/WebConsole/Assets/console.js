// Small enhancements; every page works without this file.
"use strict";
document.addEventListener("click", (event) => {
  const target = event.target instanceof Element ? event.target : null;
  if (!target) return;
  const copy = target.closest("[data-copy]");
  if (copy) {
    const source = document.getElementById(copy.getAttribute("data-copy"));
    if (source && navigator.clipboard) {
      event.preventDefault();
      navigator.clipboard.writeText(source.value ?? source.textContent ?? "").then(() => {
        copy.textContent = "Copied";
      });
    }
  }
  const confirmer = target.closest("[data-confirm]");
  if (confirmer && !window.confirm(confirmer.getAttribute("data-confirm"))) event.preventDefault();
});
document.addEventListener("keydown", (event) => {
  // "/" focuses the page's search box, as in most consoles.
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
  const active = document.activeElement;
  if (active && (active.tagName === "INPUT" || active.tagName === "TEXTAREA" || active.tagName === "SELECT")) return;
  const search = document.querySelector("input[type=search]");
  if (search) {
    event.preventDefault();
    search.focus();
  }
});
