import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CodecError } from '../../../runtime/codec/strict.js';
import {
  decodeValidationParams,
  decodeValidationResult,
  decodeValidationResultPrefix,
  MAX_MESSAGE_NUM,
  validationParams,
  validationResult,
  type ValidationResult,
} from '../../../runtime/codec/validation.js';
import { FIXTURES_DIR, HAVE_FIXTURES, hex, unhex } from '../../support/fixtures.js';

const sample: ValidationResult = {
  headData: unhex('0x0102'),
  newValidationCode: unhex('0x0061736d'),
  upwardMessages: [unhex('0xaa'), new Uint8Array()],
  horizontalMessages: [{ recipient: 2000, data: unhex('0xbeef') }],
  processedDownwardMessages: 3,
  hrmpWatermark: 77,
};

describe('ValidationResult codec', () => {
  it('round-trips every field', () => {
    const enc = validationResult.enc(sample);
    expect(hex(enc)).toBe(
      '0x' +
        '080102' + // head_data
        '01' +
        '100061736d' + // Some(code)
        '08' +
        '04aa' +
        '00' + // upward: 2 messages
        '04' +
        'd0070000' +
        '08beef' + // horizontal: 1 message to 2000
        '03000000' +
        '4d000000',
    );
    expect(decodeValidationResult(enc)).toEqual(sample);
  });

  it('the prefix decoder ignores trailing bytes as `ValidationResult::decode` does', () => {
    const enc = validationResult.enc(sample);
    const padded = Uint8Array.from([...enc, 0xff, 0x00]);
    expect(decodeValidationResultPrefix(padded)).toEqual({ value: sample, length: enc.length });
    expect(() => decodeValidationResult(padded)).toThrow(/trailing/);
  });

  it.each([
    ['trailing bytes', (e: Uint8Array) => Uint8Array.from([...e, 0])],
    ['a truncated input', (e: Uint8Array) => e.subarray(0, e.length - 1)],
    ['an Option tag of 2', (e: Uint8Array) => Uint8Array.from(e, (b, i) => (i === 3 ? 2 : b))],
    [
      'a vector longer than the input',
      (e: Uint8Array) => Uint8Array.from(e, (b, i) => (i === 0 ? 0xfc : b)),
    ],
    [
      'a non-minimal compact length',
      (e: Uint8Array) => Uint8Array.from([0x09, 0x00, ...e.subarray(1)]),
    ],
  ])('refuses %s with a CodecError', (_name, mutate) => {
    expect(() => decodeValidationResult(mutate(validationResult.enc(sample)))).toThrow(CodecError);
  });

  it('refuses more upward messages than the BoundedVec allows, accepts exactly the bound', () => {
    const at = {
      ...sample,
      upwardMessages: Array.from({ length: MAX_MESSAGE_NUM }, () => new Uint8Array()),
    };
    expect(decodeValidationResult(validationResult.enc(at)).upwardMessages).toHaveLength(
      MAX_MESSAGE_NUM,
    );
    const over = { ...at, upwardMessages: [...at.upwardMessages, new Uint8Array()] };
    expect(() => decodeValidationResult(validationResult.enc(over))).toThrow(/exceeds its bound/);
  });

  it('decodes a view that does not start at offset 0 of its buffer', () => {
    const enc = validationResult.enc(sample);
    const padded = new Uint8Array(enc.length + 5);
    padded.set(enc, 5);
    expect(decodeValidationResult(padded.subarray(5))).toEqual(sample);
  });
});

describe.runIf(HAVE_FIXTURES)('the public gossamer adder vector', () => {
  const vector = HAVE_FIXTURES
    ? (JSON.parse(readFileSync(join(FIXTURES_DIR, 'vectors/adder-gossamer.json'), 'utf8')) as {
        params: string;
        expectedResult: string;
        inputs: { relayParentNumber: number; relayParentStorageRoot: string };
      })
    : undefined;

  it('params decode to the published inputs and re-encode to the same bytes', () => {
    const params = decodeValidationParams(unhex(vector!.params));
    expect(params.relayParentNumber).toBe(vector!.inputs.relayParentNumber);
    expect(hex(params.relayParentStorageRoot)).toBe(vector!.inputs.relayParentStorageRoot);
    expect(params.parentHead).toHaveLength(72);
    expect(params.blockData).toHaveLength(16);
    expect(hex(validationParams.enc(params))).toBe(vector!.params);
  });

  it('the expected result decodes and re-encodes to the same bytes', () => {
    const result = decodeValidationResult(unhex(vector!.expectedResult));
    expect(result).toMatchObject({
      hrmpWatermark: 1,
      processedDownwardMessages: 0,
      newValidationCode: undefined,
    });
    expect(result.headData).toHaveLength(72);
    expect(hex(validationResult.enc(result))).toBe(vector!.expectedResult);
  });
});
