'use client'

import { useState, type FormEvent } from 'react'
import { useRouter } from 'next/navigation'
import { requestJson } from '@/lib/client/request-json'
import { Field } from './Field'
import { NO_ERRORS, formErrors, type TFormErrors } from './form-errors'

/** Email and password; on success goes to `next` (a path on this site). */
export function PasswordSignIn({ next }: { next: string }) {
  const router = useRouter()
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [busy, setBusy] = useState(false)
  const [errors, setErrors] = useState<TFormErrors>(NO_ERRORS)

  async function onSubmit(e: FormEvent) {
    e.preventDefault()
    setBusy(true)
    setErrors(NO_ERRORS)
    try {
      await requestJson('/api/auth/sign-in', { body: { email, password } })
      router.replace(next)
      router.refresh()
    } catch (err) {
      setErrors(formErrors(err, ['email', 'password']))
      setBusy(false)
    }
  }

  return (
    <form className="form-stack" onSubmit={onSubmit} data-testid="password-sign-in" noValidate>
      <Field id="email" label="Email" type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} error={errors.fields.email} placeholder="you@studio.com" required autoFocus />
      <Field id="password" label="Password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} error={errors.fields.password} required />
      {errors.form && <p className="error-text" role="alert" style={{ margin: 0 }} data-testid="sign-in-error">{errors.form}</p>}
      <button className="btn btn-primary" type="submit" disabled={busy || !email.trim() || !password} data-testid="sign-in-submit">
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  )
}
