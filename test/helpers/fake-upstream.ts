import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/**
 * How a fake OpenAI-compatible upstream answers one request. Every field is optional: the
 * default is a 200 chat completion (a stream when the request asks for one) with usage.
 */
export interface Script {
  /** Non-200: answer this status with `error` as the body (an OpenAI error object). */
  readonly status?: number;
  readonly error?: { message: string; type?: string; code?: string | null; param?: string | null };
  readonly headers?: Readonly<Record<string, string>>;
  /** Wait before the headers. */
  readonly delayMs?: number;
  /** Wait for this too before the headers (after delayMs): a test holds answers until it releases them. */
  readonly until?: Promise<unknown>;
  /** The answer's text; streamed as `chunks` pieces when streaming. */
  readonly content?: string;
  readonly toolCalls?: readonly unknown[];
  /** Leave `usage` out of the answer (and the usage chunk out of a stream). */
  readonly noUsage?: boolean;
  /** Close the connection without an answer. */
  readonly hangUp?: boolean;
  /** Requests whose JSON is longer than this many characters get a 400 context_length_exceeded. */
  readonly maxPromptChars?: number;
  readonly stream?: {
    /** Content pieces, one per chunk (default: the words of `content`). */
    readonly chunks?: readonly string[];
    /** Gap between chunks. */
    readonly gapMs?: number;
    /** Open with an error event instead of content. */
    readonly errorFirst?: string;
    /** Headers, then end without any event. */
    readonly empty?: boolean;
    /** Destroy the connection after this many content chunks. */
    readonly breakAfter?: number;
  };
}

export interface Call {
  readonly at: number;
  /** The request body exactly as received. */
  readonly raw: string;
  readonly body: Record<string, unknown>;
}

export interface FakeUpstream {
  /** The base URL for a named upstream: POST <base>/chat/completions. */
  readonly baseUrl: (name: string) => string;
  readonly set: (name: string, script: Script) => void;
  readonly calls: (name: string) => readonly Call[];
  readonly lastBody: (name: string) => Record<string, unknown> | undefined;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function completion(name: string, script: Script) {
  const message = { role: 'assistant', content: script.toolCalls ? null : (script.content ?? `hello from ${name}`), ...(script.toolCalls ? { tool_calls: script.toolCalls } : {}) };
  return {
    id: `chatcmpl-${name}`,
    object: 'chat.completion',
    created: 1_700_000_000,
    model: `upstream-${name}`,
    choices: [{ index: 0, message, finish_reason: script.toolCalls ? 'tool_calls' : 'stop' }],
    ...(script.noUsage ? {} : { usage: { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500 } }),
  };
}

const chunk = (name: string, delta: unknown, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: `s-${name}`, object: 'chat.completion.chunk', created: 1_700_000_000, model: `upstream-${name}`, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

async function streamAnswer(name: string, script: Script, res: ServerResponse): Promise<void> {
  const s = script.stream ?? {};
  res.writeHead(200, { 'content-type': 'text/event-stream', ...script.headers });
  if (s.empty) return void res.end();
  if (s.errorFirst !== undefined) return void res.end(`data: ${JSON.stringify({ error: { message: s.errorFirst, type: 'overloaded_error' } })}\n\n`);
  res.write(chunk(name, { role: 'assistant', content: '' }));
  const pieces = s.chunks ?? (script.content ?? `one two three`).split(/(?<= )/);
  for (const [i, piece] of pieces.entries()) {
    if (res.destroyed) return;
    if (s.breakAfter !== undefined && i >= s.breakAfter) return void res.destroy();
    res.write(chunk(name, { content: piece }));
    if (s.gapMs) await sleep(s.gapMs);
  }
  res.write(chunk(name, {}, 'stop'));
  if (!script.noUsage) res.write(`data: ${JSON.stringify({ id: `s-${name}`, object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: 10, completion_tokens: pieces.length } })}\n\n`);
  res.end('data: [DONE]\n\n');
}

async function answer(name: string, script: Script, call: Call, res: ServerResponse): Promise<void> {
  if (script.delayMs) await sleep(script.delayMs);
  if (script.until) await script.until;
  if (res.destroyed) return;
  if (script.hangUp) return void res.socket?.destroy();
  const send = (status: number, body: unknown) => void res.writeHead(status, { 'content-type': 'application/json', ...script.headers }).end(JSON.stringify(body));
  if (script.maxPromptChars !== undefined && call.raw.length > script.maxPromptChars) {
    return send(400, { error: { message: "This model's maximum context length is exceeded.", type: 'invalid_request_error', code: 'context_length_exceeded', param: 'messages' } });
  }
  if (script.status !== undefined && script.status !== 200) return send(script.status, { error: { type: 'upstream_error', code: null, param: null, ...(script.error ?? { message: `fake ${script.status}` }) } });
  if (call.body['stream'] === true) return streamAnswer(name, script, res);
  send(200, completion(name, script));
}

/**
 * One small configurable fake OpenAI-compatible upstream: a real HTTP server on loopback serving
 * any number of named upstreams at /<name>/chat/completions, each answering as its Script says.
 * It records the last 1,000 calls per upstream (time, exact body) unless `record` is false (load
 * tests). Scripts can change while a test runs.
 */
export async function startFakeUpstream(initial: Readonly<Record<string, Script>> = {}, options: { record?: boolean } = {}): Promise<FakeUpstream> {
  const record = options.record ?? true;
  const scripts = new Map(Object.entries(initial));
  const calls = new Map<string, Call[]>();
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const name = (req.url ?? '').split('/')[1] ?? '';
    let raw = '';
    for await (const piece of req) raw += String(piece);
    const call: Call = { at: Date.now(), raw, body: JSON.parse(raw) as Record<string, unknown> };
    if (record) calls.set(name, [...(calls.get(name) ?? []), call].slice(-1000));
    const script = scripts.get(name);
    if (!script) return void res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `no upstream ${name}` } }));
    await answer(name, script, call, res);
  };
  const server: Server = createServer((req, res) => {
    // A client (the proxy) that goes away mid-answer is part of what the tests do.
    res.on('error', () => undefined);
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    baseUrl: (name) => `http://127.0.0.1:${port}/${name}`,
    set: (name, script) => void scripts.set(name, script),
    calls: (name) => calls.get(name) ?? [],
    lastBody: (name) => calls.get(name)?.at(-1)?.body,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
