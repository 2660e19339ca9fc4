// Tests never touch the network: any fetch fails loudly instead of hanging or downloading.
globalThis.fetch = () => Promise.reject(new Error('network access is disabled in tests'));
