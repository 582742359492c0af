import Link from 'next/link'
import { SignOutButton } from '@/components/SignOutButton'
import { colorFor, initials } from '@/lib/client/avatar'

/** The bar above every page outside the canvas: the logo home, who is signed in, their account and sign-out. */
export function PageHeader({ user, clerk }: { user: { id: string; name: string }; clerk: boolean }) {
  return (
    <header className="page-header">
      <Link href="/" className="logo"><span className="logo-mark" /> Montage</Link>
      <div className="header-actions">
        <Link href="/account" className="btn btn-ghost" data-testid="account-link">
          <span className="avatar" style={{ background: colorFor(user.id), width: 22, height: 22, fontSize: 10 }} title={user.name}>{initials(user.name)}</span>
          <span data-testid="user-name">{user.name}</span>
        </Link>
        <SignOutButton clerk={clerk} />
      </div>
    </header>
  )
}
