/** The signal a waiting `generation/<id>` resumes on: an owner's or producer's decision. */
export const APPROVAL_SIGNAL = 'generation.approval'

export interface TApprovalDecision {
  decision: 'approve' | 'refuse'
  /** Who decided, as the card and the row name them. */
  userId: string
  userName: string
}
