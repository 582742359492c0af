import { z } from 'zod'

export const ZRole = z.enum(['owner', 'producer', 'editor', 'reviewer'])
export type TRole = z.infer<typeof ZRole>

export type TPermission = 'board.view' | 'board.edit' | 'generation.start' | 'variation.approve' | 'workspace.manage'

const GRANTS: Record<TRole, readonly TPermission[]> = {
  owner: ['board.view', 'board.edit', 'generation.start', 'variation.approve', 'workspace.manage'],
  producer: ['board.view', 'board.edit', 'generation.start', 'variation.approve'],
  editor: ['board.view', 'board.edit', 'generation.start'],
  reviewer: ['board.view'],
}

export function roleCan(role: TRole, permission: TPermission): boolean {
  return GRANTS[role].includes(permission)
}
