// Tests never leave the machine: fetch works for loopback (our own test servers) and fails loudly
// for anything else, instead of hanging or downloading.
const loopbackFetch = globalThis.fetch;
globalThis.fetch = (input: string | URL | Request, init?: RequestInit) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) return loopbackFetch(input, init);
  return Promise.reject(new Error(`network access is disabled in tests (${url.host})`));
};
