/** Input we cannot sign (not the format it says, cut short, a claim that contradicts itself), said in words. */
export class ProvenanceInputError extends Error {
  override name = 'ProvenanceInputError'
}
