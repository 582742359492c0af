import { versionText } from './shot-versions'

/** A variation's version number as a small tag (`v3`), the same on cards, the viewer, compare and the guest page. */
export function VersionTag({ n, testId }: { n: number; testId?: string }) {
  return (
    <span className="m-version-tag" data-testid={testId} title={n > 0 ? `Version ${n} of this shot` : 'Not numbered yet'}>
      {versionText(n)}
    </span>
  )
}
