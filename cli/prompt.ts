/**
 * Yes/no confirmation for destructive commands, asked on stderr and answered
 * on stdin (a terminal or a pipe).
 *
 * @module
 */

const encoder = new TextEncoder();

async function readLine(): Promise<string | null> {
  const chunks: Uint8Array[] = [];
  const buffer = new Uint8Array(256);
  for (;;) {
    const n = await Deno.stdin.read(buffer);
    if (n === null) break;
    const chunk = buffer.slice(0, n);
    chunks.push(chunk);
    if (chunk.includes(10)) break;
  }
  if (chunks.length === 0) return null;
  const text = new TextDecoder().decode(
    chunks.reduce((a, b) => {
      const joined = new Uint8Array(a.length + b.length);
      joined.set(a);
      joined.set(b, a.length);
      return joined;
    }, new Uint8Array()),
  );
  return text.split(/\r?\n/)[0];
}

/**
 * Asks `question` and returns true only for an answer starting with `y`
 * (end of input counts as no).
 *
 * @example
 * ```ts ignore
 * if (!(await confirm("Delete all 3 shadow copies?"))) return;
 * ```
 */
export async function confirm(question: string): Promise<boolean> {
  try {
    Deno.stderr.writeSync(encoder.encode(`${question} [y/N] `));
  } catch { /* still read the answer */ }
  const answer = await readLine();
  if (answer === null) {
    try {
      Deno.stderr.writeSync(encoder.encode("\n"));
    } catch { /* nothing to do */ }
  }
  return answer !== null && /^\s*y(es)?\s*$/i.test(answer);
}
