/**
 * The test suite's fake OpenAI-compatible upstream (test/helpers/fake-upstream.ts) in its own
 * process, for load tests: `<base>/fake/chat/completions` answers at once with a small chat
 * completion (or stream). Prints the base URL on stdout. Usage: tsx scripts/fake-upstream-server.ts
 */
import { startFakeUpstream } from '../test/helpers/fake-upstream.js';

const upstream = await startFakeUpstream({ fake: { content: 'ok' } }, { record: false });
process.stdout.write(`${upstream.baseUrl('fake')}\n`);
process.on('SIGTERM', () => void upstream.close().then(() => process.exit(0)));
