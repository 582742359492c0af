'use client'

import type { ImgHTMLAttributes } from 'react'
import { useAssetUrl } from '@/lib/client/use-asset-url'

/** An <img> of a stored asset through a signed URL; nothing until the URL is signed. */
export function SignedImg({ sha256, ...rest }: { sha256: string } & Omit<ImgHTMLAttributes<HTMLImageElement>, 'src'>) {
  const src = useAssetUrl(sha256)
  return src ? <img src={src} alt="" {...rest} /> : null
}
