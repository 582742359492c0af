import type { Socket } from 'node:net'

export interface LingeringCloseOptions {
  /** The longest a closing connection keeps reading what the client still sends. */
  maxMs: number
  /** Closed sooner when the client sends nothing for this long. */
  idleMs: number
}

/**
 * Makes a server socket close gracefully after a response that said `Connection: close`: Node's
 * HTTP server then calls `socket.destroySoon()`, which closes at once; when the client is still
 * sending a body we refused (an upload past its limit), the kernel answers those bytes with a
 * reset, which can destroy our answer before the client has read it. Instead (as nginx's
 * lingering close does) we send our FIN after the answer and keep reading and discarding until the
 * client closes its side, goes quiet for `idleMs`, or `maxMs` has passed.
 */
export function lingerOnClose(socket: Socket, opts: LingeringCloseOptions): void {
  socket.destroySoon = function lingeringDestroySoon(this: Socket) {
    if (this.destroyed) return
    // The HTTP parser no longer gets the bytes: they are the rest of a body nobody will read.
    this.removeAllListeners('data')
    this.on('data', () => undefined)
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
