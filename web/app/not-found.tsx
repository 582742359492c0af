import { StatusPage } from '@/components/StatusPage'

export default function NotFound() {
  return <StatusPage code="404" title="Nothing here" message="This page or board does not exist, or it was removed." testId="not-found" />
}
