import type { IncomingMessage } from 'node:http'
import type { Socket } from 'node:net'

export interface LingeringCloseOptions {
  /** The longest a closing connection keeps reading what the client still sends. */
  maxMs: number
  /** Closed sooner when the client sends nothing for this long. */
  idleMs: number
}

/**
 * Makes the connection of `req` close gracefully if its response says `Connection: close`: Node's
 * HTTP server then calls `socket.destroySoon()`, which closes at once; when the client is still
 * sending a body we refused (an upload past its limit), the kernel answers those bytes with a
 * reset, which can destroy our answer before the client has read it. Instead (as nginx's
 * lingering close does) we send our FIN after the answer and keep reading the rest of the body,
 * dropping it, until the client closes its side, goes quiet for `idleMs`, or `maxMs` has passed.
 * Call it for each request, before it is handled.
 */
export function lingerOnClose(req: IncomingMessage, opts: LingeringCloseOptions): void {
  const socket = req.socket
  socket.destroySoon = function lingeringDestroySoon(this: Socket) {
    if (this.destroyed) return
    if (!req.readableEnded && !req.destroyed) {
      // Whoever was reading the body (Next's body stream) has given up on it: the bytes still
      // coming go through the request, flowing, to nowhere.
      req.removeAllListeners('readable')
      req.removeAllListeners('data')
      req.on('data', () => undefined)
      req.resume()
    }
    this.resume()
    const done = () => this.destroy()
    const deadline = setTimeout(done, opts.maxMs)
    deadline.unref()
    this.setTimeout(opts.idleMs, done)
    this.once('end', done)
    this.once('close', () => clearTimeout(deadline))
    if (this.writable) this.end()
  }
}
