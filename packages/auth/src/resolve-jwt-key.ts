import { ensureLocalKeys } from './local-keys'

export interface ResolveJwtKeyOptions {
  authMode: 'local' | 'clerk'
  dataDir: string
  /** `AUTH_KEYS_DIR`: where the local key pair lives, when not `<dataDir>/auth`. */
  keysDir?: string
  /** `CLERK_JWT_KEY`: the Clerk instance's PEM public key, required in Clerk mode. */
  clerkJwtKey?: string
}

/** The public key that every server process verifies session tokens with. */
export async function resolveJwtKey(opts: ResolveJwtKeyOptions): Promise<string> {
  if (opts.authMode === 'clerk') {
    if (!opts.clerkJwtKey) throw new Error('CLERK_JWT_KEY must be set when AUTH_MODE=clerk')
    return opts.clerkJwtKey.replace(/\\n/g, '\n')
  }
  return (await ensureLocalKeys(opts.dataDir, opts.keysDir)).publicKeyPem
}
