export * from './prepare-database'
export * from './seed-demo'
export * from './render-demo-plate'
export * from './app-processes'
