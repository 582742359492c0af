import './provenance.css'

/** The @tags of the references a variation was made with: its provenance, as the prompt named them. */
export function ProvenanceTags({ tags, compact = false }: { tags: readonly string[] | undefined; compact?: boolean }) {
  if (!tags?.length) return null
  return (
    <span className={compact ? 'm-prov-tags m-prov-tags-compact' : 'm-prov-tags'} data-testid="provenance-tags" aria-label={`References: ${tags.map((t) => `@${t}`).join(', ')}`}>
      {tags.map((tag) => (
        <span key={tag} className="m-prov-tag" data-testid="provenance-tag">
          @{tag}
        </span>
      ))}
    </span>
  )
}

/** One line a person reads on hover: what made the variation. */
export function provenanceTitle(p: { model: string; prompt: string; referenceTags: readonly string[] }): string {
  const lines = [p.model]
  if (p.prompt) lines.push(`“${p.prompt}”`)
  if (p.referenceTags.length) lines.push(`References: ${p.referenceTags.map((t) => `@${t}`).join(' ')}`)
  return lines.join('\n')
}
