/**
 * The test suite's fake OpenAI-compatible upstream (test/helpers/fake-upstream.ts) in its own
 * process, for load tests: `<base>/fake/chat/completions` answers at once with a small chat
 * completion (or stream). Prints the base URL on stdout; SIGTERM or SIGINT closes it and exits 0.
 */
import { parseScriptOptions } from '../src/shared/command-line.js';
import { startFakeUpstream } from '../test/helpers/fake-upstream.js';

const HELP = `Usage: node --import tsx scripts/fake-upstream-server.ts [options]

A fake OpenAI-compatible upstream on 127.0.0.1 for load tests. Prints its base URL
(<base>/fake/chat/completions answers "ok", streamed or not) and runs until SIGTERM or
SIGINT (Ctrl-C), which close it and exit 0.

Options:
  -h, --help   this text

Run it with node --import tsx (one process, so a signal stops it); \`npx tsx\` puts a
wrapper process in between.`;

parseScriptOptions(process.argv.slice(2), {}, HELP);

const upstream = await startFakeUpstream({ fake: { content: 'ok' } }, { record: false });
let closing = false;
const stop = (): void => {
  if (closing) return;
  closing = true;
  void upstream.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// Printed only once the handlers are in place: whoever reads the URL may signal at once.
process.stdout.write(`${upstream.baseUrl('fake')}\n`);
