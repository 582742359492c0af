export { startS3Server, gofakes3Binary, type TestS3Server } from './start-s3-server'
