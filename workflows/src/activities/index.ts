export * from './create-control-activities'
export * from './create-ingest-activities'
export * from './create-webhook-activities'
