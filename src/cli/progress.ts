/** A progress line on stderr: redrawn in place on a terminal, a line every ~10% otherwise (CI logs). */
export function progressReporter(label: string, stream: NodeJS.WriteStream = process.stderr): (done: number, total: number) => void {
  let lastDecile = -1;
  return (done, total) => {
    const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
    if (stream.isTTY) {
      stream.write(`\r${label} ${done}/${total} (${pct}%)${done >= total ? '\n' : ''}`);
      return;
    }
    const decile = Math.floor(pct / 10);
    if (decile !== lastDecile || done >= total) {
      lastDecile = decile;
      stream.write(`${label} ${done}/${total} (${pct}%)\n`);
    }
  };
}
