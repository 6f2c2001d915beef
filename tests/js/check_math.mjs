// Renders TeX with MathJax 3 and KaTeX, as GitHub and Jupyter (MathJax) and many sites
// (KaTeX) would, with every error thrown. Reads a JSON array of {tex, display} on stdin and
// writes a JSON array of {index, renderer, message} for the expressions that fail.
import katex from "katex";
import { mathjax } from "mathjax-full/js/mathjax.js";
import { TeX } from "mathjax-full/js/input/tex.js";
import { SVG } from "mathjax-full/js/output/svg.js";
import { liteAdaptor } from "mathjax-full/js/adaptors/liteAdaptor.js";
import { RegisterHTMLHandler } from "mathjax-full/js/handlers/html.js";
import "mathjax-full/js/input/tex/ams/AmsConfiguration.js";
import "mathjax-full/js/input/tex/newcommand/NewcommandConfiguration.js";

const adaptor = liteAdaptor();
RegisterHTMLHandler(adaptor);
// Without 'noundefined', an unknown macro is an error rather than red text.
const tex = new TeX({
  packages: ["base", "ams", "newcommand"],
  formatError: (jax, error) => {
    throw error;
  },
});
const document = mathjax.document("", { InputJax: tex, OutputJax: new SVG({ fontCache: "none" }) });

const input = await new Promise((resolve) => {
  let text = "";
  process.stdin.on("data", (chunk) => (text += chunk));
  process.stdin.on("end", () => resolve(text));
});
const failures = [];
JSON.parse(input).forEach(({ tex: source, display }, index) => {
  try {
    katex.renderToString(source, { displayMode: display, throwOnError: true, strict: "error" });
  } catch (error) {
    failures.push({ index, renderer: "katex", message: String(error.message || error) });
  }
  try {
    document.convert(source, { display });
  } catch (error) {
    failures.push({ index, renderer: "mathjax", message: String(error.message || error) });
  }
});
process.stdout.write(JSON.stringify(failures));
