'use client'

import { createContext, useContext } from 'react'
import { useValue } from 'tldraw'
import { UploadTracker, type TLocalUpload } from './UploadTracker'

export const UploadsContext = createContext<UploadTracker | null>(null)

/** This browser's upload into a shape, if one is running or was refused. */
export function useLocalUpload(shapeId: string): TLocalUpload | undefined {
  const tracker = useContext(UploadsContext)
  return useValue('local upload', () => tracker?.get(shapeId), [tracker, shapeId])
}

export function useUploadTracker(): UploadTracker | null {
  return useContext(UploadsContext)
}
