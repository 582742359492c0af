import type { Metadata } from 'next'
import { GuestReview } from '@/components/review/GuestReview'

type Props = { params: Promise<{ token: string }> }

export const metadata: Metadata = { title: 'Review · Montage', robots: { index: false, follow: false } }

/** A guest's review page: no account, only the link (and a name, and maybe a passphrase). */
export default async function GuestReviewPage({ params }: Props) {
  const { token } = await params
  return <GuestReview token={token} />
}
