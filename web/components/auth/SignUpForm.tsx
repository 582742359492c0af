'use client'

import { useState, type FormEvent } from 'react'
import { useRouter } from 'next/navigation'
import { PASSWORD_MIN_LENGTH } from '@montage/core'
import { requestJson } from '@/lib/client/request-json'
import { Field } from './Field'
import { NO_ERRORS, formErrors, type TFormErrors } from './form-errors'

interface Props {
  /** The invite link's token: the new account joins its workspace. Without it, the first owner of the install. */
  inviteToken?: string
  /** The address an invite was made for: filled in, since no other one may use it. */
  inviteEmail?: string | null
  submitLabel: string
}

/** Name, email and password for a new account; the server's refusals appear under the field they name. */
export function SignUpForm({ inviteToken, inviteEmail, submitLabel }: Props) {
  const router = useRouter()
  const [name, setName] = useState('')
  const [email, setEmail] = useState(inviteEmail ?? '')
  const [password, setPassword] = useState('')
  const [busy, setBusy] = useState(false)
  const [errors, setErrors] = useState<TFormErrors>(NO_ERRORS)

  async function onSubmit(e: FormEvent) {
    e.preventDefault()
    setBusy(true)
    setErrors(NO_ERRORS)
    try {
      await requestJson('/api/auth/sign-up', { body: { name, email, password, ...(inviteToken ? { inviteToken } : {}) } })
      router.replace('/')
      router.refresh()
    } catch (err) {
      setErrors(formErrors(err, ['name', 'email', 'password']))
      setBusy(false)
    }
  }

  return (
    <form className="form-stack" onSubmit={onSubmit} data-testid="sign-up" noValidate>
      <Field id="name" label="Your name" autoComplete="name" value={name} maxLength={80} onChange={(e) => setName(e.target.value)} error={errors.fields.name} placeholder="Ada Moreau" required autoFocus />
      <Field id="email" label="Email" type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} error={errors.fields.email} placeholder="you@studio.com" required />
      <Field
        id="password"
        label="Password"
        type="password"
        autoComplete="new-password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={errors.fields.password}
        hint={`At least ${PASSWORD_MIN_LENGTH} characters. A few unrelated words make a strong one.`}
        required
      />
      {errors.form && <p className="error-text" role="alert" style={{ margin: 0 }} data-testid="sign-up-error">{errors.form}</p>}
      <button className="btn btn-primary" type="submit" disabled={busy || !name.trim() || !email.trim() || !password} data-testid="sign-up-submit">
        {busy ? 'Creating your account…' : submitLabel}
      </button>
    </form>
  )
}
