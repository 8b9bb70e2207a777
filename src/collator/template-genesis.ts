// A genesis for the Cumulus parachain template (the 2022 runtime among the fixtures, state
// version 1), which ships neither a chain spec nor a genesis builder: the storage its pallets'
// `GenesisConfig::build` would write for a development chain (frame-system, pallet-balances,
// parachain-info, pallet-aura, cumulus-pallet-aura-ext), with the development accounts endowed
// and //Alice and //Bob as Aura authorities. Pallets absent here start from their defaults.
import { Bytes, compact as compactCodec, str, Struct, u128, u32, Vector } from 'scale-ts';
import { DEV_ACCOUNTS, devKeyPair } from './dev-keys.js';
import { type Parachain, runtimeVersion, target } from './parachains.js';
import { ChainState } from './state.js';
import { accountKey, hex, twox64Concat, valueKey } from './storage-keys.js';

/** The template's para id (its public deployment, para 2000 on Rococo). */
const PARA_ID = 2000;
/** Each development account's endowment: 2^60 (about 1.15 M units of 12 decimals). */
const ENDOWMENT = 1n << 60n;

/**
 * frame-system `AccountInfo` with pallet-balances' `AccountData { free, reserved, misc_frozen,
 * fee_frozen }`: nonce 0, no consumers, one provider (an endowed account).
 */
const accountInfo = Struct({
  nonce: u32,
  consumers: u32,
  providers: u32,
  sufficients: u32,
  free: u128,
  reserved: u128,
  miscFrozen: u128,
  feeFrozen: u128,
});

/** frame-system `LastRuntimeUpgradeInfo { spec_version: Compact<u32>, spec_name }`. */
const lastRuntimeUpgrade = Struct({ specVersion: compactCodec, specName: str });

/** `[69u8; 32]`: frame-system's genesis `ParentHash` and `BlockHash(0)` (`hash69`). */
const HASH69 = new Uint8Array(32).fill(69);

/**
 * The template parachain from its runtime blob and this genesis.
 * @throws when the peer executor cannot read the runtime's version.
 */
export async function templateParachain(code: Uint8Array): Promise<Parachain> {
  const version = await runtimeVersion(code);
  const accounts = DEV_ACCOUNTS.flatMap((n) => [devKeyPair(n), devKeyPair(`${n}//stash`)]);
  const authorities = [devKeyPair('Alice'), devKeyPair('Bob')];
  const auraIds = Vector(Bytes(32)).enc(authorities.map((a) => a.publicKey));
  const entries: [string, Uint8Array][] = [
    [hex(new TextEncoder().encode(':code')), code],
    [hex(valueKey('System', 'ParentHash')), HASH69],
    [hex(valueKey('System', 'BlockHash')) + hex(twox64Concat(u32.enc(0))), HASH69],
    [hex(valueKey('System', 'UpgradedToU32RefCount')), Uint8Array.of(1)],
    [hex(valueKey('System', 'UpgradedToTripleRefCount')), Uint8Array.of(1)],
    [
      hex(valueKey('System', 'LastRuntimeUpgrade')),
      lastRuntimeUpgrade.enc({ specVersion: version.specVersion, specName: 'template-parachain' }),
    ],
    ...accounts.map(
      (a) =>
        [
          accountKey(a.publicKey),
          accountInfo.enc({
            nonce: 0,
            consumers: 0,
            providers: 1,
            sufficients: 0,
            free: ENDOWMENT,
            reserved: 0n,
            miscFrozen: 0n,
            feeFrozen: 0n,
          }),
        ] as [string, Uint8Array],
    ),
    [hex(valueKey('Balances', 'TotalIssuance')), u128.enc(ENDOWMENT * BigInt(accounts.length))],
    [hex(valueKey('ParachainInfo', 'ParachainId')), u32.enc(PARA_ID)],
    [hex(valueKey('Aura', 'Authorities')), auraIds],
    [hex(valueKey('AuraExt', 'Authorities')), auraIds],
  ];
  return target('template', `parachain template (spec v${version.specVersion}, state v1)`, {
    code,
    genesis: new ChainState(entries, 1),
    paraId: PARA_ID,
    authorities,
    version,
    // pallet-transaction-payment's `ChargeTransactionPayment(Compact<u128> tip)`.
    payment: Uint8Array.of(0),
    assertions: 'legacy',
  });
}
