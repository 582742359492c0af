import { describe, expect, it } from 'vitest'
import { AppError, ZReviewDecisionRequest, csvField, csvLine, parseInput, variationSubject } from '../src'

/** A plain RFC 4180 reader, to check the export reads back as the fields that went in. */
function readCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (c === '"') quoted = false
      else field += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      row.push(field)
      field = ''
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field)
      rows.push(row)
      row = []
      field = ''
      i++
    } else field += c
  }
  return rows
}

describe('audit CSV', () => {
  it('keeps commas, quotes and line breaks inside their field', () => {
    const fields = ['Harbour, at dawn', 'She said "warmer"', 'line one\nline two\r\nline three', '']
    expect(readCsv(csvLine(fields) + csvLine(['next']))).toEqual([fields, ['next']])
  })

  it('turns values a spreadsheet would run as formulas into text', () => {
    for (const bad of ['=HYPERLINK("http://x")', '+1', '-2+3', '@SUM(A1)', '\t=1']) {
      const [[read]] = readCsv(csvLine([bad])) as [[string]]
      expect(read).toBe(`'${bad}`)
    }
    expect(csvField('a=b')).toBe('"a=b"')
  })
})

describe('decision request', () => {
  it('requires a note to request changes, naming the field', () => {
    let err: unknown
    try {
      parseInput(ZReviewDecisionRequest, { decision: 'changes_requested', note: '   ' })
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(AppError)
    expect((err as AppError).field).toBe('note')
    expect(parseInput(ZReviewDecisionRequest, { decision: 'changes_requested', note: ' Warmer ' }).note).toBe('Warmer')
  })

  it('takes an approval with or without a note', () => {
    expect(parseInput(ZReviewDecisionRequest, { decision: 'approved' }).note).toBeUndefined()
    expect(parseInput(ZReviewDecisionRequest, { decision: 'approved', note: 'Ship it' }).note).toBe('Ship it')
  })
})

describe('variation subject', () => {
  it('names the version and the shot, or what is known', () => {
    expect(variationSubject({ version: 3, shotTitle: 'Harbour at dawn' })).toBe("v3 of 'Harbour at dawn'")
    expect(variationSubject({ version: null, shotTitle: '' })).toBe('a variation')
  })
})
