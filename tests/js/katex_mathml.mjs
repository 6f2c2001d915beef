// Writes each TeX expression as KaTeX's MathML (errors thrown), to compare with mlemap's own
// MathML token by token. Reads a JSON array of {tex, display} on stdin, writes a JSON array of
// MathML strings.
import katex from "katex";

const input = await new Promise((resolve) => {
  let text = "";
  process.stdin.on("data", (chunk) => (text += chunk));
  process.stdin.on("end", () => resolve(text));
});
const output = JSON.parse(input).map(({ tex, display }) =>
  katex.renderToString(tex, { displayMode: display, output: "mathml", throwOnError: true }),
);
process.stdout.write(JSON.stringify(output));
