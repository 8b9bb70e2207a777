/** The environment switch that keeps native crypto addons out of a process when set to "0"
 *  (HostOptions.nativeCrypto false sets it for workers; see curve25519-native.ts). */
export const NATIVE_CRYPTO_ENV = 'PVF_RUNTIME_NATIVE_CRYPTO';
