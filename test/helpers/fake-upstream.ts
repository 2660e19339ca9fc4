import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** How one fake OpenAI-compatible upstream answers; switchable while a test runs. */
export type Behavior = 'healthy' | 'slow' | 'fail500' | 'fail429' | 'badjson' | 'goodjson' | 'stream' | 'bad_request';

export interface FakeUpstreams {
  readonly baseUrl: (name: string) => string;
  readonly set: (name: string, behavior: Behavior) => void;
  readonly calls: (name: string) => number;
  /** The last request body each upstream received. */
  readonly lastBody: (name: string) => Record<string, unknown> | undefined;
  close(): Promise<void>;
}

function completion(name: string, content: string) {
  return {
    id: `chatcmpl-${name}`,
    object: 'chat.completion',
    created: 1_700_000_000,
    model: `upstream-${name}`,
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500 },
  };
}

async function streamChunks(name: string, res: ServerResponse): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  for (const word of ['one ', 'two ', 'three']) {
    const chunk = { id: `s-${name}`, object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: word } }] };
    res.write(`data: ${JSON.stringify(chunk)}\n\n`);
    await new Promise((r) => setTimeout(r, 150));
  }
  res.write(`data: ${JSON.stringify({ id: `s-${name}`, object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: 10, completion_tokens: 3 } })}\n\n`);
  res.end('data: [DONE]\n\n');
}

/** Real HTTP servers on loopback, one path prefix per named upstream: /<name>/chat/completions. */
export async function startFakeUpstreams(initial: Record<string, Behavior>): Promise<FakeUpstreams> {
  const behaviors = new Map(Object.entries(initial));
  const counts = new Map<string, number>();
  const bodies = new Map<string, Record<string, unknown>>();
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const name = (req.url ?? '').split('/')[1] ?? '';
    let raw = '';
    for await (const chunk of req) raw += String(chunk);
    counts.set(name, (counts.get(name) ?? 0) + 1);
    bodies.set(name, JSON.parse(raw) as Record<string, unknown>);
    const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    switch (behaviors.get(name)) {
      case 'healthy': return send(200, completion(name, `hello from ${name}`));
      case 'goodjson': return send(200, completion(name, '{"ok": true}'));
      case 'badjson': return send(200, completion(name, 'this is not json'));
      case 'fail500': return send(500, { error: { message: 'boom' } });
      case 'fail429': return send(429, { error: { message: 'slow down' } });
      case 'bad_request': return send(400, { error: { message: 'messages is malformed', type: 'invalid_request_error' } });
      case 'slow': return void setTimeout(() => send(200, completion(name, 'late')), 3000);
      case 'stream': return streamChunks(name, res);
      default: return send(404, { error: { message: `no upstream ${name}` } });
    }
  };
  const server: Server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    baseUrl: (name) => `http://127.0.0.1:${port}/${name}`,
    set: (name, behavior) => void behaviors.set(name, behavior),
    calls: (name) => counts.get(name) ?? 0,
    lastBody: (name) => bodies.get(name),
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
