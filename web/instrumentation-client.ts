import { z } from 'zod'

// Zod compiles object parsers with `new Function` when it may; under our Content-Security-Policy
// (no 'unsafe-eval') the probe for that is a CSP violation in the console. Parse without it.
z.config({ jitless: true })
