/* A figure wider than the screen scrolls inside its frame (reader.css, phone widths): the frame then takes
   keyboard focus and is named by its caption, so that it can be scrolled without a pointer. */
function scrollableFigures() {
  "use strict";
  for (const figure of document.querySelectorAll(".bd-content figure")) {
    const wide = figure.scrollWidth > figure.clientWidth + 1;
    if (wide && !figure.hasAttribute("tabindex")) {
      figure.tabIndex = 0;
      figure.setAttribute("role", "group");
      const caption = figure.querySelector("figcaption");
      figure.setAttribute("aria-label", caption ? caption.textContent.trim() : "figure");
    } else if (!wide && figure.getAttribute("tabindex") === "0") {
      figure.removeAttribute("tabindex");
      figure.removeAttribute("role");
      figure.removeAttribute("aria-label");
    }
  }
}
window.addEventListener("load", scrollableFigures);
window.addEventListener("resize", scrollableFigures);
