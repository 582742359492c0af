import type { TLibraryReference, TPromoteReferenceRequest } from '@montage/core'
import { requestJson } from '@/lib/client/request-json'

/** `POST /api/references/promote`: a generated variation becomes a library reference in one step. */
export async function promoteToReference(body: TPromoteReferenceRequest): Promise<TLibraryReference> {
  const { reference } = await requestJson<{ reference: TLibraryReference }>('/api/references/promote', { body })
  return reference
}
