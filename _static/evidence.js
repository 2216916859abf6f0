/* Evidence marks ({evidence} role): hover, keyboard focus or a tap opens a popover with the document, the
   line, the French quote and our translation, and a link to the full entry; Escape, a tap elsewhere or
   leaving both the mark and the popover closes it. The entries come from this page's #evidence-data
   (written by the book's Sphinx extension); text is inserted with textContent, never as markup. */
function evidencePopovers() {
  "use strict";
  const source = document.getElementById("evidence-data");
  if (!source) return;
  const data = JSON.parse(source.textContent);
  let open = null, closing = null, lastPointer = "mouse";

  function make(tag, cls, text) {
    const el = document.createElement(tag);
    if (cls) el.className = cls;
    if (text) el.textContent = text;
    return el;
  }

  function build(id, entry) {
    const pop = make("span", "ev-popover");
    pop.id = "ev-pop-" + id + "-" + Math.random().toString(36).slice(2, 8);
    pop.setAttribute("role", "tooltip");
    pop.append(make("span", "ev-pop-head", entry.doc + ", " + entry.line + " [" + id + "]"));
    const fr = make("span", "ev-pop-fr", entry.fr);
    fr.lang = "fr";
    pop.append(fr, make("span", "ev-pop-en", "Our translation: " + entry.en));
    const link = make("a", "ev-pop-link", "Full entry on the Evidence page");
    link.href = entry.href;
    pop.append(link);
    pop.addEventListener("mouseenter", () => clearTimeout(closing));
    pop.addEventListener("mouseleave", later);
    pop.addEventListener("focusout", (e) => { if (!pop.contains(e.relatedTarget) && e.relatedTarget !== open.mark) later(); });
    return pop;
  }

  function place(mark, pop) {
    const r = mark.getBoundingClientRect(), width = Math.min(448, document.documentElement.clientWidth - 16);
    pop.style.width = width + "px";
    const left = Math.max(8, Math.min(r.left, document.documentElement.clientWidth - width - 8));
    pop.style.left = left + window.scrollX + "px";
    pop.style.top = r.bottom + window.scrollY + 6 + "px";
  }

  function show(mark) {
    const id = mark.dataset.evidence;
    if (open && open.mark === mark) { clearTimeout(closing); return; }
    close();
    const pop = build(id, data[id]);
    document.body.append(pop);
    place(mark, pop);
    mark.setAttribute("aria-describedby", pop.id);
    mark.setAttribute("aria-expanded", "true");
    open = { mark, pop };
  }

  function close() {
    clearTimeout(closing);
    if (!open) return;
    open.mark.removeAttribute("aria-describedby");
    open.mark.setAttribute("aria-expanded", "false");
    open.pop.remove();
    open = null;
  }

  function later() { clearTimeout(closing); closing = setTimeout(close, 400); }

  for (const mark of document.querySelectorAll("span.evidence a.reference")) {
    const id = (mark.getAttribute("href") || "").split("#ev-")[1];
    if (!id || !data[id]) continue;
    mark.dataset.evidence = id;
    mark.setAttribute("aria-expanded", "false");
    mark.addEventListener("mouseenter", () => show(mark));
    mark.addEventListener("mouseleave", later);
    mark.addEventListener("focus", () => show(mark));
    mark.addEventListener("blur", (e) => { if (!(open && open.pop.contains(e.relatedTarget))) later(); });
    mark.addEventListener("pointerdown", (e) => { lastPointer = e.pointerType; });
    mark.addEventListener("click", (e) => {
      // a tap opens the popover first; a second tap on the mark (or its link) goes to the entry
      if (lastPointer !== "mouse" && !(open && open.mark === mark && open.tapped)) {
        e.preventDefault();
        show(mark);
        open.tapped = true;
      }
    });
  }
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && open) { const mark = open.mark; close(); mark.focus({ preventScroll: true }); }
  });
  document.addEventListener("pointerdown", (e) => {
    if (open && !open.pop.contains(e.target) && !open.mark.contains(e.target)) close();
  });
  window.addEventListener("resize", () => { if (open) place(open.mark, open.pop); });
}
// the script is loaded in the page's head: wait for the body (and its #evidence-data)
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", evidencePopovers);
else evidencePopovers();
