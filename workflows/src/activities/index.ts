export * from './create-control-activities'
export * from './create-ingest-activities'
