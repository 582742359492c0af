import type { TCreateReferenceRequest, TLibraryReference } from '@montage/core'
import { requestJson } from '@/lib/client/request-json'

/** `POST /api/workspaces/:id/references`: a new library reference from one to three assets. */
export async function createLibraryReference(workspaceId: string, body: TCreateReferenceRequest): Promise<TLibraryReference> {
  const { reference } = await requestJson<{ reference: TLibraryReference }>(`/api/workspaces/${encodeURIComponent(workspaceId)}/references`, { body })
  return reference
}
