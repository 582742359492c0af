import { z } from 'zod'

/** The editor hand-off formats `GET /api/sequences/<id>/export?format=` writes. */
export const HANDOFF_FORMATS = ['otio', 'fcpxml', 'edl'] as const
export const ZHandoffFormat = z.enum(HANDOFF_FORMATS)
export type THandoffFormat = z.infer<typeof ZHandoffFormat>

/** `GET /api/sequences/<sequenceId>/package?boardId=…`: the delivery zip of a sequence. */
export const ZSequencePackageQuery = z.object({ boardId: z.string().uuid() }).strict()
export type TSequencePackageQuery = z.infer<typeof ZSequencePackageQuery>

/** `GET /api/sequences/<sequenceId>/export?boardId=…&format=otio|fcpxml|edl`: one hand-off file. */
/** `sidecar=1` answers the file's Content Credentials (`<file>.c2pa`) instead of the file: a text file cannot carry them. */
export const ZSequenceExportQuery = z.object({ boardId: z.string().uuid(), format: ZHandoffFormat, sidecar: z.enum(['0', '1']).default('0') }).strict()
export type TSequenceExportQuery = z.infer<typeof ZSequenceExportQuery>
