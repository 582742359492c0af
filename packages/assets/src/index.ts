export * from './AssetStore'
