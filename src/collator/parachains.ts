// The parachains the collator builds blocks for: each a real runtime blob, a genesis, and what
// a wallet needs to sign a balance transfer for it (the runtime's `SignedExtra` and the
// `Balances::transfer_keep_alive` call index, as both runtimes' metadata list them).
import { u32, Vector, Bytes } from 'scale-ts';
import type { CollatorConfig } from './collator.js';
import { Collator } from './collator.js';
import { DEV_ACCOUNTS, devKeyPair, type KeyPair } from './dev-keys.js';
import { immortalExtra, type SignedExtension, transferKeepAlive } from './extrinsic.js';
import { peerExecutor } from './peer.js';
import { fromHex } from './scale.js';
import { ChainState } from './state.js';
import { hex, valueKey } from './storage-keys.js';
import { concat, type StateVersion } from './trie.js';

export const PARACHAINS = ['asset-hub', 'template'] as const;
export type ParachainName = (typeof PARACHAINS)[number];

export interface Parachain {
  readonly name: ParachainName;
  /** A description for reports: runtime, spec version, state version. */
  readonly title: string;
  readonly config: CollatorConfig;
  readonly signedExtension: SignedExtension;
  /** The call moving `amount` to `dest`. */
  transfer(dest: Uint8Array, amount: bigint): Uint8Array;
  /** Accounts that sign transfers, and accounts that receive them (never signers). */
  readonly senders: readonly KeyPair[];
  readonly recipients: readonly KeyPair[];
  /**
   * How the runtime's Rust formats a failed `assert_eq!`: `current` since Rust 1.73
   * (``assertion `left == right` failed: msg``), `legacy` before (``assertion failed: `(left ==
   * right)` ``, the message last).
   */
  readonly assertions: AssertionStyle;
}

export type AssertionStyle = 'current' | 'legacy';

/** The collator's first slot and relay parent: arbitrary, realistic magnitudes. */
const FIRST_SLOT = 140_000_000n;
const FIRST_RELAY_PARENT = 20_000_000;

/** `Balances` at index 10 and `transfer_keep_alive` at 3 in both runtimes' metadata. */
const BALANCES = 10;
const TRANSFER_KEEP_ALIVE = 3;

/** A raw chain spec: `genesis.raw.top` holds the genesis key/values as hex. */
export interface RawChainSpec {
  readonly para_id?: number;
  readonly genesis: { readonly raw: { readonly top: Readonly<Record<string, string>> } };
}

/**
 * Asset Hub Kusama (statemine v1000000, state version 0) from its raw local chain spec, whose
 * `:code` is the runtime and whose Aura authorities must be development keys.
 * @throws when the spec lacks code or its authorities are not development keys.
 */
export async function assetHubKusama(spec: RawChainSpec): Promise<Parachain> {
  const top = Object.entries(spec.genesis.raw.top).map(
    ([k, v]) => [k.replace(/^0x/, ''), fromHex(v)] as [string, Uint8Array],
  );
  const genesis = new ChainState(top, 0);
  const code = genesis.get(hex(new TextEncoder().encode(':code')));
  if (code === undefined) throw new Error('the chain spec has no :code');
  const paraId = u32.dec(mustGet(genesis, hex(valueKey('ParachainInfo', 'ParachainId'))));
  const authorities = Vector(Bytes(32))
    .dec(mustGet(genesis, hex(valueKey('Aura', 'Authorities'))))
    .map(devAuthority);
  const version = await runtimeVersion(code);
  // pallet-asset-tx-payment's `ChargeAssetTxPayment { tip: Compact<u128>, asset_id: None }`.
  const payment = Uint8Array.of(0, 0);
  return target('asset-hub', `Asset Hub Kusama (statemine v${version.specVersion}, state v0)`, {
    code,
    genesis,
    paraId,
    authorities,
    version,
    payment,
    assertions: 'current',
  });
}

interface TargetParts {
  readonly code: Uint8Array;
  readonly genesis: ChainState;
  readonly paraId: number;
  readonly authorities: readonly KeyPair[];
  readonly version: { specVersion: number; transactionVersion: number; stateVersion: StateVersion };
  readonly payment: Uint8Array;
  readonly assertions: AssertionStyle;
}

export function target(name: ParachainName, title: string, p: TargetParts): Parachain {
  const genesisHash = Collator.genesisHash(p.genesis);
  const config: CollatorConfig = {
    code: p.code,
    genesis: p.genesis,
    paraId: p.paraId,
    authorities: p.authorities,
    slotDurationMs: 12_000n,
    firstSlot: FIRST_SLOT,
    firstRelayParent: FIRST_RELAY_PARENT,
  };
  return {
    name,
    title,
    config,
    // CheckSpecVersion, CheckTxVersion, CheckGenesis, CheckMortality (immortal: genesis hash).
    signedExtension: {
      extra: immortalExtra(p.payment),
      additional: concat([
        u32.enc(p.version.specVersion),
        u32.enc(p.version.transactionVersion),
        genesisHash,
        genesisHash,
      ]),
    },
    transfer: (dest, amount) => transferKeepAlive(BALANCES, TRANSFER_KEEP_ALIVE, dest, amount),
    assertions: p.assertions,
    senders: DEV_ACCOUNTS.map((n) => devKeyPair(n)),
    recipients: DEV_ACCOUNTS.map((n) => devKeyPair(`${n}//stash`)),
  };
}

/**
 * `p` on another genesis: the same runtime and keys, with the genesis hash the signed
 * extensions sign over (`CheckGenesis`, and the immortal era's block hash) taken from `genesis`.
 */
export function withGenesis(p: Parachain, genesis: ChainState): Parachain {
  const genesisHash = Collator.genesisHash(genesis);
  // `additional` is spec version ++ tx version (4 bytes each) ++ the two hashes: see `target`.
  const versions = p.signedExtension.additional.subarray(0, 8);
  return {
    ...p,
    config: { ...p.config, genesis },
    signedExtension: {
      extra: p.signedExtension.extra,
      additional: concat([versions, genesisHash, genesisHash]),
    },
  };
}

/** The runtime's versions, as the peer reads them from its `runtime_version` section. */
export async function runtimeVersion(code: Uint8Array): Promise<TargetParts['version']> {
  const ex = await peerExecutor();
  const v = (await ex.get_runtime_version(`0x${Buffer.from(code).toString('hex')}`)) as {
    specVersion: number;
    transactionVersion: number;
    stateVersion: number;
  };
  return { ...v, stateVersion: v.stateVersion === 1 ? 1 : 0 };
}

function devAuthority(publicKey: Uint8Array): KeyPair {
  for (const name of DEV_ACCOUNTS) {
    const pair = devKeyPair(name);
    if (Buffer.from(pair.publicKey).equals(publicKey)) return pair;
  }
  throw new Error(`Aura authority 0x${hex(publicKey)} is not a development key`);
}

function mustGet(state: ChainState, key: string): Uint8Array {
  const v = state.get(key);
  if (v === undefined) throw new Error(`the genesis has no value at 0x${key}`);
  return v;
}
