// The console's own script (ADR 0031): a scanned form's SHA-256, computed in the browser, goes into the field
// the file input names; the scan itself is not sent. Pages work without it, but a digest must then be typed.
"use strict";
function hex(buffer) {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");
}
document.addEventListener("change", async (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || !input.dataset.sha256Into) return;
  const target = input.form.elements.namedItem(input.dataset.sha256Into);
  if (!input.files.length) { target.value = ""; return; }
  if (!window.crypto || !window.crypto.subtle) {
    target.value = "";
    target.placeholder = "此浏览器无法计算摘要（须通过 https 访问）";
    return;
  }
  target.value = "";
  target.placeholder = "正在计算……";
  const digest = await window.crypto.subtle.digest("SHA-256", await input.files[0].arrayBuffer());
  target.value = hex(digest);
  target.dispatchEvent(new Event("input", { bubbles: true }));
});
