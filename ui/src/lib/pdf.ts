// PDF pages drawn by pdf.js (Apache-2.0) inside the app: the letter preview and printing.
// The worker script is bundled (no network); eval is off, as the CSP forbids it.
import * as pdfjs from "pdfjs-dist/legacy/build/pdf.mjs";
import workerUrl from "pdfjs-dist/legacy/build/pdf.worker.min.mjs?url";

pdfjs.GlobalWorkerOptions.workerSrc = workerUrl;

/** Draws every page of `bytes` as a canvas appended to `container`; returns the page count. */
export async function renderPdf(bytes: Uint8Array, container: HTMLElement, width: number): Promise<number> {
  const doc = await pdfjs.getDocument({ data: bytes.slice(), isEvalSupported: false }).promise;
  try {
    container.replaceChildren();
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const base = page.getViewport({ scale: 1 });
      const ratio = window.devicePixelRatio || 1;
      const viewport = page.getViewport({ scale: (width / base.width) * ratio });
      const canvas = document.createElement("canvas");
      canvas.width = Math.floor(viewport.width);
      canvas.height = Math.floor(viewport.height);
      canvas.className = "pdf-page";
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", `${n} / ${doc.numPages}`);
      container.appendChild(canvas);
      await page.render({ canvas, viewport }).promise;
    }
    return doc.numPages;
  } finally {
    await doc.destroy();
  }
}

/** Prints the PDF through the system print dialog: its pages at 200 dpi as images in a
 * print-only area (app.css hides the app when printing), then `window.print()`. */
export async function printPdf(bytes: Uint8Array): Promise<void> {
  const doc = await pdfjs.getDocument({ data: bytes.slice(), isEvalSupported: false }).promise;
  const area = document.getElementById("print-area") ?? document.body.appendChild(
    Object.assign(document.createElement("div"), { id: "print-area" }),
  );
  try {
    area.replaceChildren();
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const viewport = page.getViewport({ scale: 200 / 72 });
      const canvas = document.createElement("canvas");
      canvas.width = Math.floor(viewport.width);
      canvas.height = Math.floor(viewport.height);
      await page.render({ canvas, viewport }).promise;
      const img = document.createElement("img");
      img.src = canvas.toDataURL("image/png");
      img.alt = "";
      area.appendChild(img);
    }
  } finally {
    await doc.destroy();
  }
  // The decrypted pages leave the page once printing is done.
  window.addEventListener("afterprint", clearPrintArea, { once: true });
  window.print();
}

/** Removes any pages left for printing (after printing, and when the app locks). */
export function clearPrintArea() {
  document.getElementById("print-area")?.replaceChildren();
}
