export * from './activities'
export * from './client'
export * from './create-control-worker'
export * from './sweep-webhook-deliveries'
