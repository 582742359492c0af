import { z } from 'zod'
import { ZSha256 } from '@montage/core'

/** The label of our own assertion: the approvals behind a file, and where in Montage it came from. */
export const MONTAGE_ASSERTION_LABEL = 'com.montage.approvals'

/** IPTC digital source types we state (https://cv.iptc.org/newscodes/digitalsourcetype/). */
export const DIGITAL_SOURCE_TYPE = {
  trainedAlgorithmicMedia: 'http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia',
  compositeWithTrainedAlgorithmicMedia: 'http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia',
  composite: 'http://cv.iptc.org/newscodes/digitalsourcetype/composite',
  /** Made by software from data, with no model and no capture (an edit list written from a sequence). */
  algorithmicMedia: 'http://cv.iptc.org/newscodes/digitalsourcetype/algorithmicMedia',
} as const

/** A file this one was made from, as the manifest names it. */
export const ZProvenanceIngredient = z.object({
  title: z.string().min(1).max(300),
  /** MIME type of the ingredient's bytes. */
  format: z.string().min(3).max(100),
  sha256: ZSha256,
  /** parentOf: the file this one edits (at most one); componentOf: a part placed in it (a sequence's clips); inputTo: a reference the model read. */
  relationship: z.enum(['parentOf', 'componentOf', 'inputTo']),
})
export type TProvenanceIngredient = z.infer<typeof ZProvenanceIngredient>

/** One approval decision behind the file, from `review_decisions`. */
export const ZProvenanceApproval = z.object({
  variationId: z.string().min(1).max(200),
  /** Which output of that variation was approved: the sha256 of its file. */
  outputSha256: ZSha256.optional(),
  decision: z.enum(['approved', 'changes_requested']),
  by: z.object({ id: z.string().min(1).max(100), name: z.string().min(1).max(200) }),
  /** The approver's role in the workspace when the file was signed. */
  role: z.string().min(1).max(40),
  decidedAt: z.iso.datetime({ offset: true }),
  note: z.string().max(2000).optional(),
})
export type TProvenanceApproval = z.infer<typeof ZProvenanceApproval>

/**
 * What made the file: a model's output, an edit of another file, a composite of several, an
 * upload, or a document Montage wrote itself (a delivery package's manifest and edit lists, naming
 * the media they describe as componentOf ingredients).
 */
export const ZProvenanceOrigin = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('generated'), model: z.string().min(1).max(100), prompt: z.string().max(4000).optional() }),
  z.object({ kind: z.literal('edited'), model: z.string().min(1).max(100), prompt: z.string().max(4000).optional() }),
  z.object({ kind: z.literal('composite'), description: z.string().max(500).optional() }),
  z.object({ kind: z.literal('uploaded') }),
  z.object({ kind: z.literal('written'), description: z.string().min(1).max(500) }),
])
export type TProvenanceOrigin = z.infer<typeof ZProvenanceOrigin>

/** Everything a manifest says about one file; checked before anything is signed. */
export const ZProvenanceClaim = z
  .object({
    title: z.string().min(1).max(300),
    origin: ZProvenanceOrigin,
    ingredients: z.array(ZProvenanceIngredient).max(200).default([]),
    approvals: z.array(ZProvenanceApproval).max(500).default([]),
    /** Where the file lives in Montage. */
    source: z
      .object({
        workspaceId: z.string().max(100).optional(),
        boardId: z.string().max(100).optional(),
        variationId: z.string().max(200).optional(),
        generationId: z.string().max(100).optional(),
      })
      .default({}),
  })
  .superRefine((claim, ctx) => {
    const parents = claim.ingredients.filter((i) => i.relationship === 'parentOf').length
    if (parents > 1) ctx.addIssue({ code: 'custom', path: ['ingredients'], message: 'a file has at most one parentOf ingredient' })
    if ((claim.origin.kind === 'edited' || claim.origin.kind === 'uploaded') && parents !== 1) {
      ctx.addIssue({ code: 'custom', path: ['ingredients'], message: `an ${claim.origin.kind} file names the file it was made from as its one parentOf ingredient` })
    }
    if (claim.origin.kind === 'composite' && !claim.ingredients.some((i) => i.relationship === 'componentOf')) {
      ctx.addIssue({ code: 'custom', path: ['ingredients'], message: 'a composite names its parts as componentOf ingredients' })
    }
  })
export type TProvenanceClaim = z.input<typeof ZProvenanceClaim>
export type TParsedProvenanceClaim = z.output<typeof ZProvenanceClaim>
