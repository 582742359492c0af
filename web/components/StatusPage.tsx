import Link from 'next/link'

/** A calm full-page message (not found, no access). */
export function StatusPage({ code, title, message, testId }: { code: string; title: string; message: string; testId?: string }) {
  return (
    <div className="center-wrap">
      <div className="status-page" data-testid={testId}>
        <div className="code">{code}</div>
        <h1>{title}</h1>
        <p>{message}</p>
        <Link href="/" className="btn">← Back to workspaces</Link>
      </div>
    </div>
  )
}
