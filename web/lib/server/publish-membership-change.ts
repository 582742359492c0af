import { subjects, type TMembershipChangedMessage } from '@montage/core'
import { natsConnection } from './context'
import { logger } from './logger'

/**
 * Tells every collab-server that a member's role changed or that they left, so their open board
 * sockets close at once. The row is already changed: a lost message is caught by the
 * collab-servers' periodic check, so a NATS outage only delays it.
 */
export async function publishMembershipChange(message: TMembershipChangedMessage): Promise<void> {
  try {
    const nc = await natsConnection()
    nc.publish(subjects.membershipChanged, JSON.stringify(message))
    await nc.flush()
  } catch (e) {
    logger().warn({ err: e, ...message }, 'could not announce a membership change; collab-servers apply it at their next check')
  }
}
