export * from './local-keys'
export * from './sign-local-token'
export * from './verify-session-token'
export * from './resolve-jwt-key'
