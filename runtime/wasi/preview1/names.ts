// Which `wasi_snapshot_preview1` functions exist for a PVF. Prepare refuses a module importing
// anything else, naming the import; the import object never contains the others, so linking
// fails too (the second line of defence).

export const PREVIEW1_MODULE = 'wasi_snapshot_preview1';

/**
 * The preview1 socket functions. None of them is ever provided: a PVF may not use the network.
 * (`node:wasi`'s versions of `sock_accept`/`sock_shutdown` can even crash Node on a pipe.)
 */
export const PREVIEW1_SOCKET_FUNCTIONS = [
  'sock_accept',
  'sock_recv',
  'sock_send',
  'sock_shutdown',
] as const;

/** Whether an import name belongs to the network family (present or future `sock_*`). */
export const isNetworkImport = (name: string): boolean => name.startsWith('sock_');
