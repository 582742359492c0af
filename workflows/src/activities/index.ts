export * from './create-control-activities'
