export * from './shapes'
export * from './schema'
export * from './doc'
export * from './commands'
