// Caps the memory a component's core module defines at the executor's `maxMemoryPages`, as
// the engine caps a Substrate PVF's (sc-executor's `HeapAllocStrategy::Dynamic
// { maximum_pages }`: limits become (min(initial, max), max)), so `memory.grow` past the cap
// fails the same way on every validator instead of depending on the machine's memory. The
// engine's own rewrite turns the memory into an import it supplies; jco's glue instantiates
// the core modules itself, so here the defined memory keeps its place and only its limits
// change.
import { SectionId, type WasmModule } from '../../wasm/types.js';
import { u32Bytes } from '../../wasm/writer.js';

/**
 * The module with its one defined memory's limits set to (min(initial, maxPages), maxPages);
 * undefined if it defines no memory. Throws on a shared or 64-bit memory, or several.
 */
export function capDefinedMemory(m: WasmModule, maxPages: number): Uint8Array | undefined {
  const section = m.sections.find((s) => s.id === SectionId.Memory);
  if (!section || m.memories.length === 0) return undefined;
  const [memory, ...more] = m.memories;
  if (!memory || more.length > 0) throw new Error('a core module defines several memories');
  if (memory.shared || memory.index64)
    throw new Error('a core module defines a shared or 64-bit memory');
  const content = [1, 0x01, ...u32Bytes(Math.min(memory.min, maxPages)), ...u32Bytes(maxPages)];
  const rebuilt = [SectionId.Memory, ...u32Bytes(content.length), ...content];
  const out = new Uint8Array(m.bytes.length - (section.end - section.start) + rebuilt.length);
  out.set(m.bytes.subarray(0, section.start), 0);
  out.set(rebuilt, section.start);
  out.set(m.bytes.subarray(section.end), section.start + rebuilt.length);
  return out;
}
