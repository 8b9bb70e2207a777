// Parent-side bait for the memory attacks: a few secret bytes in native memory whose address
// the attack scripts get. The host reads them back afterwards: changed bytes prove a write.
import { randomBytes } from 'node:crypto';
import { loadLibc } from '../linux/libc.js';

export interface Bait {
  /** Address of the bytes, decimal. */
  readonly address: string;
  readonly secret: Buffer;
  /** The bytes now at the address. */
  read(): Buffer;
}

export async function createBait(): Promise<Bait> {
  const { koffi } = await loadLibc();
  const lib = koffi.load('libc.so.6');
  const malloc = lib.func('void *malloc(size_t n)');
  const memcpy = lib.func('void *memcpy(void *dst, const void *src, size_t n)');
  const secret = randomBytes(16);
  const mem = malloc(secret.length); // never freed: lives as long as the process, on purpose
  memcpy(mem, secret, secret.length);
  return {
    address: koffi.address(mem).toString(),
    secret,
    read: () => Buffer.from(koffi.decode(mem, koffi.array('uint8_t', secret.length)) as Uint8Array),
  };
}
