import { withBaselineWasmTier } from './startup-wasm.tier';

// The smallest valid module: magic number and version, no sections. The project's TypeScript
// libs declare WebAssembly's types but not the global object, which Node has.
const EMPTY_MODULE = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
const wasm = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<object>; Module: new (bytes: Uint8Array) => object } }).WebAssembly;

describe(withBaselineWasmTier.name, () => {
  it('returns what the start-up returns, and WebAssembly still compiles inside and after it', async () => {
    const inside = await withBaselineWasmTier(async () => {
      await wasm.compile(EMPTY_MODULE);
      return 'listening';
    });
    expect(inside).toBe('listening');
    await expect(wasm.compile(EMPTY_MODULE)).resolves.toBeInstanceOf(wasm.Module);
  });

  it('passes a failed start-up on unchanged', async () => {
    await expect(withBaselineWasmTier(() => Promise.reject(new Error('port in use')))).rejects.toThrow('port in use');
  });
});
