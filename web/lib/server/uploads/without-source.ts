/**
 * ffmpeg's words about an input, without the input's name: a temp path says nothing to a person,
 * and a presigned URL (the staged bytes in a bucket) must not be handed back at all.
 */
export function withoutSource(text: string, source: string): string {
  return text.split(`${source}: `).join('').split(source).join('the file')
}
