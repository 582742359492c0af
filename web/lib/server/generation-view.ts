import type { TGenerationRow } from '@montage/db'

/** A generation as the API shows it (`GET /api/generations/:id` and the lists). */
export function generationView(g: TGenerationRow) {
  return {
    id: g.id,
    workspaceId: g.workspaceId,
    boardId: g.boardId,
    shotId: g.shotId,
    variationId: g.variationId,
    model: g.model,
    params: g.params,
    status: g.status,
    credits: g.credits,
    output: g.outputAsset
      ? { sha256: g.outputAsset, mimeType: g.outputMimeType, durationSeconds: g.outputDurationSeconds, posterSha256: g.posterAsset, proxySha256: g.proxyAsset, stripSha256: g.stripAsset, stripFrames: g.stripFrames }
      : null,
    error: g.error,
    createdBy: g.createdBy,
    createdAt: g.createdAt.toISOString(),
    finishedAt: g.finishedAt?.toISOString() ?? null,
  }
}
