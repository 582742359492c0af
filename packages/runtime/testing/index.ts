export * from './certificates'
