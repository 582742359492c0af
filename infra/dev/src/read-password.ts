export interface ReadPasswordOptions {
  /** A variable that holds the password for scripts (read first). */
  envVar: string
  prompt: string
  /** Asked on a terminal only: the password a second time, which must match. */
  confirm?: string
}

/** One password: from the variable, else typed on the terminal without echo, else the first line of stdin. */
export async function readPassword(opts: ReadPasswordOptions): Promise<string> {
  const fromEnv = process.env[opts.envVar]
  if (fromEnv !== undefined) return fromEnv
  if (!process.stdin.isTTY) return firstLine()
  const first = await typeHidden(opts.prompt)
  if (opts.confirm && (await typeHidden(opts.confirm)) !== first) {
    console.error('The two passwords differ.')
    process.exit(2)
  }
  return first
}

async function firstLine(): Promise<string> {
  let text = ''
  for await (const chunk of process.stdin) {
    text += String(chunk)
    if (text.includes('\n')) break
  }
  return text.split(/\r?\n/)[0] ?? ''
}

function typeHidden(prompt: string): Promise<string> {
  return new Promise((resolve) => {
    process.stdout.write(prompt)
    const stdin = process.stdin
    stdin.setRawMode(true)
    stdin.resume()
    stdin.setEncoding('utf8')
    let value = ''
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') {
          stdin.setRawMode(false)
          stdin.pause()
          stdin.off('data', onData)
          process.stdout.write('\n')
          return resolve(value)
        }
        if (ch === '\u0003') process.exit(130) // Ctrl-C
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1)
        else value += ch
      }
    }
    stdin.on('data', onData)
  })
}
