/*
 * On paper, every solution is open. Browsers that print a closed <details> as its title only, whatever the CSS
 * (docs/_static/labkit.css opens them where ::details-content exists), get them opened for the print and closed again
 * after it, as the reader left them.
 */
(() => {
  let opened = [];
  window.addEventListener("beforeprint", () => {
    opened = Array.from(document.querySelectorAll("details.sd-dropdown:not([open])"));
    opened.forEach((details) => { details.open = true; });
  });
  window.addEventListener("afterprint", () => {
    opened.forEach((details) => { details.open = false; });
    opened = [];
  });
})();
