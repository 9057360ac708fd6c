// glibc's malloc_trim(0), called through Node's node:ffi: hands the C allocator's free pages back to the system.
// glibc returns freed memory by itself only from the top of its heap; pages freed in the middle (the 36 KB bodies a
// burst of misses allocated, once collected) stay resident until malloc_trim releases them (madvise DONTNEED).
import type * as Ffi from 'node:ffi';

/** Hands the allocator's free pages back; answers whether any memory was released. */
export type TrimAllocator = () => boolean;

/** Options of loadMallocTrim. */
export interface MallocTrimOptions {
  /** The C library to open; default glibc's `libc.so.6`. */
  library?: string;
}

/**
 * glibc's malloc_trim, or why it cannot be called here: not Linux, a C library without it (musl), a Node without
 * node:ffi, or FFI refused (`--no-experimental-ffi`, the permission model without `--allow-ffi`). Node's
 * ExperimentalWarning for node:ffi is not printed (the facade's start line says it uses node:ffi); every other
 * warning is.
 */
export function loadMallocTrim({ library = 'libc.so.6' }: MallocTrimOptions = {}): { trim: TrimAllocator } | { unavailable: string } {
  if (process.platform !== 'linux') return { unavailable: `malloc_trim unavailable: ${process.platform} is not Linux` };
  try {
    const ffi = withoutFfiWarning(() => process.getBuiltinModule('node:ffi') as typeof Ffi | undefined);
    if (ffi === undefined) return { unavailable: 'malloc_trim unavailable: this Node has no node:ffi' };
    // int malloc_trim(size_t pad): pad 0 keeps nothing spare at the heap's top.
    const { functions } = ffi.dlopen(library, { malloc_trim: { arguments: ['u64'], return: 'i32' } });
    const mallocTrim = functions.malloc_trim;
    return { trim: () => mallocTrim(0n) === 1 };
  } catch (error) {
    return { unavailable: `malloc_trim unavailable: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** Runs `load` with Node's ExperimentalWarning about FFI dropped (it is emitted synchronously, while loading). */
function withoutFfiWarning<T>(load: () => T): T {
  const emitWarning = process.emitWarning;
  process.emitWarning = function (this: NodeJS.Process, warning: string | Error, ...rest: unknown[]) {
    const text = typeof warning === 'string' ? warning : warning.message;
    if (/^FFI is an experimental feature/.test(text)) return;
    return Reflect.apply(emitWarning, this, [warning, ...rest]);
  } as typeof process.emitWarning;
  try {
    return load();
  } finally {
    process.emitWarning = emitWarning;
  }
}
