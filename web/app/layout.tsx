import type { Metadata } from 'next'
import type { ReactNode } from 'react'
import { ClerkProvider } from '@clerk/nextjs'
import { webEnv } from '@/lib/server/env'
import './globals.css'

export const metadata: Metadata = {
  title: 'Montage',
  description: 'Collaborative canvas for AI video production',
}

// Every page reads the session and runtime env at request time.
export const dynamic = 'force-dynamic'

export default function RootLayout({ children }: { children: ReactNode }) {
  const html = (
    <html lang="en">
      <body>{children}</body>
    </html>
  )
  // Only Clerk mode needs Clerk's keys; local mode never touches it.
  return webEnv().AUTH_MODE === 'clerk' ? <ClerkProvider>{html}</ClerkProvider> : html
}
