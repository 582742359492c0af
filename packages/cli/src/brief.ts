import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { z } from 'zod'

const ZReferenceFile = z
  .object({
    /** A file next to the brief (or an absolute path): uploaded to the board as a reference. */
    file: z.string().min(1, 'must name a file'),
    /** The `@tag` prompts use for it. */
    tag: z.string().regex(/^[a-z0-9_-]{1,32}$/, 'must be 1–32 lowercase letters, digits, - or _').optional(),
  })
  .strict()

const ZBriefShot = z
  .object({
    title: z.string().trim().min(1, 'must not be empty').max(120),
    prompt: z.string().max(4000).default(''),
    /** A model id of the catalogue (`previz`, `gen4_turbo`, …); the server says which it runs. */
    model: z.string().min(1).default('previz'),
    /** The model's parameters, as the API takes them (`duration`, `aspectRatio`, `cameraMove`, …). */
    params: z.record(z.string(), z.unknown()).default({}),
    /** How many variations to start (1–4). */
    count: z.number().int().min(1).max(4).default(1),
    references: z.array(ZReferenceFile).max(8).default([]),
  })
  .strict()

/** What `montage generate` takes: a board (an existing one by id, or a new one by name) and the shots to generate. */
export const ZBrief = z
  .object({
    board: z.union([z.object({ id: z.string().uuid('is not a board id') }).strict(), z.object({ name: z.string().trim().min(1).max(200) }).strict()]),
    shots: z.array(ZBriefShot).min(1, 'must list at least one shot').max(50),
  })
  .strict()
export type TBrief = z.infer<typeof ZBrief>
export type TBriefShot = TBrief['shots'][number]

export class BriefError extends Error {
  override name = 'BriefError'
}

/** Reads and checks a brief; a problem names the file and the field (`shots.0.title: must not be empty`). */
export async function readBrief(file: string): Promise<{ brief: TBrief; dir: string }> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (e) {
    throw new BriefError(`${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (e) {
    throw new BriefError(`${file}: is not JSON (${(e as Error).message})`)
  }
  const parsed = ZBrief.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new BriefError(`${file}: ${issue.path.join('.') || 'the brief'}: ${issue.message}`)
  }
  return { brief: parsed.data, dir: path.dirname(path.resolve(file)) }
}
