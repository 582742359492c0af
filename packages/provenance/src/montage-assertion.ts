import { Assertion } from '@trustnxt/c2pa-ts/manifest'
import { CBORBox, type IBox } from '@trustnxt/c2pa-ts/jumbf'
import { MONTAGE_ASSERTION_LABEL, type TParsedProvenanceClaim } from './provenance-claim'

/** JUMBF content type of a CBOR assertion (C2PA 2.1, 11.1.4.1): "cbor" followed by the ISO suffix. */
const CBOR_ASSERTION_UUID = new Uint8Array(Buffer.from('63626F72001100108000' + '00AA00389B71', 'hex'))

/** What our assertion holds, as the reader's JSON shows it. */
export interface TMontageAssertionData {
  approvals: TParsedProvenanceClaim['approvals']
  source: TParsedProvenanceClaim['source']
  origin: TParsedProvenanceClaim['origin']
}

/**
 * `com.montage.approvals`: the approvals behind the file (who, role, when, which variation and
 * output) and where in Montage it came from. A CBOR assertion, so the claim's hashed reference
 * covers it like any C2PA assertion. We only write it; reading goes through the reference reader.
 */
export class MontageAssertion extends Assertion {
  override label = MONTAGE_ASSERTION_LABEL
  override uuid = CBOR_ASSERTION_UUID

  constructor(private readonly data: TMontageAssertionData) {
    super()
  }

  readContentFromJUMBF(): void {
    throw new Error('MontageAssertion is written here and read by the reference reader')
  }

  generateJUMBFBoxForContent(): IBox {
    const box = new CBORBox()
    // CBOR has no `undefined`: drop the optional fields that are absent.
    box.content = JSON.parse(JSON.stringify(this.data)) as unknown
    return box
  }
}
